"""The concept note's agenda and annexes, read from docs/concept-note.txt, as the tests' expected text."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONCEPT_NOTE = Path(__file__).resolve().parents[2] / "docs" / "concept-note.txt"
AGENDA_ROW = re.compile(r"^(?P<time>\d\d:\d\d(?: – \d\d:\d\d)? CET)\t(?P<activity>.+)$")


def squash(text: str) -> str:
    """Collapse runs of whitespace, as a reader sees the text."""
    return " ".join(text.split())


@dataclass(frozen=True)
class AgendaRow:
    time: str  # “08:45 – 08:55 CET”
    activity: str  # the ACTIVITY cell: title, description and speakers run together


@dataclass(frozen=True)
class Annex1:
    days: list[str]  # “10 May” …
    periods: list[str]  # “Morning”, “Afternoon”
    cells: dict[tuple[str, str], str]  # (period, day) -> cell text with its “*” and “1)” list markers


@dataclass(frozen=True)
class Roundtable:
    name: str
    agencies: str  # “UN agencies: ILO & UNDP”
    objectives: list[str]  # “Objective 2 Minimize the adverse drivers …”


@cache
def _lines() -> list[str]:
    return CONCEPT_NOTE.read_text(encoding="utf-8").splitlines()


def _section(start: str, end: str | None) -> list[str]:
    lines = _lines()
    first = next(i for i, line in enumerate(lines) if line.strip() == start)
    last = next((i for i, line in enumerate(lines) if i > first and end and line.strip().startswith(end)), len(lines))
    return lines[first + 1 : last]


def agenda_rows() -> list[AgendaRow]:
    """The AGENDA table, from the 08:45 audio check to the 12:00 close."""
    rows = [AGENDA_ROW.match(line) for line in _section("AGENDA", "REGISTRATION/LOGISTICS")]
    return [AgendaRow(time=row["time"], activity=squash(row["activity"])) for row in rows if row]


def annex1() -> Annex1:
    """Annex 1: a header of days, then each period's name on a line of its own followed by its cells."""
    lines = [line for line in _section("Annex 1: IMRF Intergovernmental Sessions – Agenda", "Annex 2") if line.strip()]
    days = [squash(day) for day in lines[0].split("\t")]
    periods, cells = [], {}
    for label_line, cells_line in zip(lines[1::2], lines[2::2], strict=True):
        period = squash(label_line)
        periods.append(period)
        for day, cell in zip(days, cells_line.split("\t"), strict=True):
            cells[(period, day)] = squash(cell)
    return Annex1(days=days, periods=periods, cells=cells)


def annex2() -> list[Roundtable]:
    """Annex 2: one column per roundtable; an objective belongs to the column its tab puts it in."""
    lines = [line for line in _section("Annex 2: Thematic Roundtables", None) if line.strip()]
    header_index = next(i for i, line in enumerate(lines) if line.startswith("Roundtable one"))
    names = [squash(name) for name in lines[header_index].split("\t")]
    agencies = [squash(cell) for cell in lines[header_index + 1].split("\t")]
    columns = [[] for _ in names]
    for line in lines[header_index + 2 :]:
        for column, cell in zip(columns, line.split("\t"), strict=True):
            if cell.strip():
                column.append(squash(cell))
    return [
        Roundtable(name=name, agencies=agency, objectives=objectives)
        for name, agency, objectives in zip(names, agencies, columns, strict=True)
    ]


def annex2_title() -> str:
    return squash(next(line for line in _section("Annex 2: Thematic Roundtables", None) if line.strip()))


@dataclass(frozen=True)
class NoteBlock:
    kind: str  # "heading", "paragraph", "item", "footnote" or "pledge"
    text: str  # as a reader sees it: no link targets or bold marks; a footnote mark as its digit
    number: int | None = None  # a footnote's number


SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹", "123456789")
LINK = re.compile(r"\[((?:[^\]\\]|\\.)+)\]\(#\)")


def _plain(text: str) -> str:
    text = LINK.sub(r"\1", text).replace("**", "").replace("\\(", "(").replace("\\)", ")")
    return squash(text.translate(SUPERSCRIPTS))


def note_body() -> list[NoteBlock]:
    """The note from INTRODUCTION to its AGENDA, block by block, in its order.

    The PDF's pledge box falls inside a sentence (“…the Intergovernmental Conference” and “to Adopt
    the GCM”): the sentence is joined again and the pledge kept as a block of its own, after it.
    """
    blocks, pending = [NoteBlock("heading", "INTRODUCTION")], []
    for line in (line.strip() for line in _section("INTRODUCTION", "AGENDA")):
        if not line:
            continue
        if pending or (line.startswith("**") and line.count("**") == 1):
            pending.append(line)
            if line.endswith("**") and len(pending) > 1:
                blocks.append(NoteBlock("pledge", _plain(" ".join(pending))))
                pending = []
            continue
        if line[0] in "¹²":
            blocks.append(NoteBlock("footnote", _plain(line[1:]), number=int(line[0].translate(SUPERSCRIPTS))))
        elif line.isupper():
            blocks.append(NoteBlock("heading", squash(line)))
        elif line.startswith("- "):
            blocks.append(NoteBlock("item", _plain(line[2:])))
        elif line[0].islower():
            # The rest of a sentence the pledge box interrupted.
            previous = next(i for i in range(len(blocks) - 1, -1, -1) if blocks[i].kind == "paragraph")
            blocks[previous] = NoteBlock("paragraph", f"{blocks[previous].text} {_plain(line)}")
        else:
            blocks.append(NoteBlock("paragraph", _plain(line)))
    return blocks
