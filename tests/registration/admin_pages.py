"""Reading the admin's figure pages as a reader does: a table's cells, a line of the participation report."""

import re


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]


def table_cells(content: str, table_id: str) -> list[list[str]]:
    """The table's rows as lists of cell texts, header and totals included."""
    table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', content, re.DOTALL).group(1)
    return [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)]


def report_line(content: str, section: str, label: str) -> list[str]:
    """The figures of the line `label` in a section of the participation report (page or printable page)."""
    block = re.search(rf'<section[^>]*aria-labelledby="section-{section}"[^>]*>(.*?)</section>', content, re.DOTALL)
    for row in re.findall(r"<tr>(.*?)</tr>", block.group(1), re.DOTALL):
        cells = _cells(row)
        if cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no line {label!r} in {section}")
