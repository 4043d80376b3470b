"""The list of participants as a Word document (.docx), written with python-docx through the export gate."""

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy
from docx import Document
from docx.shared import Pt

from documents.participants import ListOfParticipantsDocument
from registration.exports.tables import FileExporter, exporter_register

# Characters XML 1.0 cannot hold: python-docx refuses them, and a name typed with one must not stop the file.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

SECTION, GROUP, PERSON = "section", "group", "person"


class ListOfParticipantsTable:
    """The list as the export gate's table: the heading as `header()`, then one row per section, group and person.

    Rows are `[SECTION, title]`, `[GROUP, name]` and `[PERSON, printed name, job title]`; the background job
    counts them as it writes, as it counts a spreadsheet's rows.
    """

    sheet_title = gettext_lazy("List of participants")

    def __init__(self, *, document: ListOfParticipantsDocument):
        self.document = document

    def header(self) -> list[str]:
        return list(self.document.heading)

    def rows(self) -> Iterator[list[str]]:
        for section in self.document.sections:
            yield [SECTION, section.title]
            for group in section.groups:
                yield [GROUP, group.name]
                for entry in group.entries:
                    yield [PERSON, entry.printed_name, entry.job_title]

    def total(self) -> int:
        return sum(1 + sum(1 + len(group.entries) for group in section.groups) for section in self.document.sections)


def _text(value: str) -> str:
    return XML_ILLEGAL.sub("", str(value))


class DocxExporter(FileExporter):
    """Headings and paragraphs of plain text: a typed name is a run of text, never a field, link or formula."""

    identifier = "docx"
    label = gettext_lazy("Word")
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = "docx"

    def write(self, handle):
        document = Document()
        document.styles["Normal"].font.size = Pt(11)
        title, *details = self.table.header()
        document.add_heading(_text(title), level=0)
        for line in details:
            document.add_paragraph(_text(line), style="Subtitle")
        for row in self.table.rows():
            kind, text, *more = row
            if kind == SECTION:
                document.add_heading(_text(text), level=1)
            elif kind == GROUP:
                document.add_heading(_text(text), level=2)
            else:
                paragraph = document.add_paragraph(_text(text))
                paragraph.paragraph_format.space_after = Pt(2)
                if more and more[0]:
                    paragraph.add_run("\n" + _text(more[0])).italic = True
        document.save(handle)


exporter_register(DocxExporter)
