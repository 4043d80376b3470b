"""Registration exports: a table of columns and rows built once, written as CSV or XLSX and streamed."""

import abc
import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from agenda.models import Meeting
from registration.models import PROTECTED_FIELDS, Registration

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection");
# tab and carriage return let an attacker hide the sign behind whitespace Excel strips.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000
# CSV rows are sent in pieces of about this many characters, not one tiny chunk per row.
CSV_CHUNK_CHARS = 64 * 1024

# Every column of the model in declaration order, which follows the form's sections;
# the manage token is a password to the registration and stays out of every file.
EXPORT_FIELDS = tuple(field.name for field in Registration._meta.concrete_fields if field.name != "manage_token")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Registration], object]


def _local(value: datetime.datetime | None, registration: Registration):
    # Spreadsheets have no time zones: write the meeting's wall-clock time, which the header says.
    if value is None:
        return None
    return timezone.localtime(value, registration.meeting.tzinfo).replace(tzinfo=None)


def _field_column(name: str) -> Column:
    field = Registration._meta.get_field(name)
    header = str(field.verbose_name)
    if name == "meeting":
        return Column(header, lambda r: r.meeting.slug)
    if name == "listening_language":
        return Column(header, lambda r: r.listening_language.name)
    if field.get_internal_type() == "BooleanField":
        yes, no = _("Yes"), _("No")
        return Column(header, lambda r: yes if getattr(r, name) else no)
    if field.get_internal_type() == "DateTimeField":
        return Column(f"{header} ({_('meeting time')})", lambda r: _local(getattr(r, name), r))
    if field.choices:
        # Translated once per export: get_FOO_display() translates every label again on every row.
        # The country's choices are the States by their UN names in the active language (`countries`).
        labels = {value: str(label) for value, label in field.flatchoices}
        return Column(header, lambda r: labels.get(getattr(r, name), getattr(r, name)))
    return Column(header, lambda r: getattr(r, name))


class Table:
    """Columns over a queryset, read in chunks so memory does not grow with the number of rows."""

    sheet_title = gettext_lazy("Registrations")

    def __init__(self, *, queryset: QuerySet, columns: list[Column]):
        self.queryset = queryset
        self.columns = columns

    def header(self) -> list[str]:
        return [column.header for column in self.columns]

    def records(self) -> Iterator[Registration]:
        # The few meetings are read once, not joined to every row: a meeting carries pages of text.
        meetings = Meeting.objects.in_bulk()
        for registration in self.queryset.select_related("listening_language").iterator(chunk_size=CHUNK_ROWS):
            registration.meeting = meetings[registration.meeting_id]
            yield registration

    def rows(self) -> Iterator[list]:
        for registration in self.records():
            yield [column.value(registration) for column in self.columns]


def registration_table(*, queryset: QuerySet, include_protected_answers: bool = False) -> Table:
    """Every registration field, one column each; diversity and accessibility answers only for those allowed."""
    names = [name for name in EXPORT_FIELDS if include_protected_answers or name not in PROTECTED_FIELDS]
    return Table(queryset=queryset, columns=[_field_column(name) for name in names])


SPEAKER_FIELDS = (
    "honorific",
    "first_name",
    "last_name",
    "organisation",
    "country",
    "category",
    "intervention_coordination",
    "intervention_group",
    "intervention_topic",
    "email",
    "created_at",
)


class SpeakersTable(Table):
    """The moderator's speakers' list: one row per request to take the floor, coordinated groups together.

    Takes the queryset of `selectors.registration_speakers_list`, ordered and annotated with `speaking_group`.
    """

    def __init__(self, *, queryset: QuerySet):
        super().__init__(queryset=queryset, columns=[_field_column(name) for name in SPEAKER_FIELDS])

    def header(self) -> list[str]:
        return [_("order"), _("group"), *super().header()]

    def rows(self) -> Iterator[list]:
        group_number, group_key = 0, None
        for order, registration in enumerate(self.records(), start=1):
            if registration.speaking_group != group_key:
                group_number, group_key = group_number + 1, registration.speaking_group
            yield [order, group_number, *(column.value(registration) for column in self.columns)]


CHAIR_FIELDS = (
    "job_title",
    "organisation",
    "country",
    "intervention_group",
    "intervention_topic",
    "listening_language",
)


class ChairListTable(Table):
    """The chair's speakers' list: the accepted speakers in their order (`speakers.floor_speakers`)."""

    sheet_title = gettext_lazy("Speakers' list")

    def __init__(self, *, queryset: QuerySet):
        columns = [_field_column(name) for name in CHAIR_FIELDS]
        # "On behalf of" only for an intervention the organisers marked as coordinated.
        group = columns[3]
        columns[3] = Column(group.header, lambda r: r.intervention_group if r.floor_decision.coordinated else "")
        super().__init__(queryset=queryset, columns=[Column(_("name"), lambda r: r.full_name), *columns])

    def header(self) -> list[str]:
        return [_("order"), *super().header()]

    def rows(self) -> Iterator[list]:
        for order, registration in enumerate(self.records(), start=1):
            yield [order, *(column.value(registration) for column in self.columns)]


def formula_safe(value: str) -> str:
    """The text with a leading apostrophe if a spreadsheet would otherwise run it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class Exporter(abc.ABC):
    """One file format; subclasses say what they write and how."""

    identifier = ""
    label = ""
    content_type = ""
    extension = ""

    def __init__(self, *, table: Table, filename_stem: str):
        self.table = table
        self.filename = f"{filename_stem}.{self.extension}"

    @abc.abstractmethod
    def response(self):
        """The HTTP response carrying the file as an attachment."""


class CsvExporter(Exporter):
    identifier = "csv"
    label = gettext_lazy("CSV")
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    @staticmethod
    def _text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, str):
            return formula_safe(value)
        return str(value)

    def chunks(self) -> Iterator[bytes]:
        # The byte-order mark tells Excel the file is UTF-8, so Cyrillic and Đ survive a double-click.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(self.table.header())
        for row in self.table.rows():
            writer.writerow([self._text(value) for value in row])
            if buffer.tell() >= CSV_CHUNK_CHARS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    def write(self, handle):
        for chunk in self.chunks():
            handle.write(chunk)

    def response(self):
        response = StreamingHttpResponse(self.chunks(), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


class FileExporter(Exporter):
    """A format written whole to a temporary file (a zip's directory comes last), then streamed back."""

    @abc.abstractmethod
    def write(self, handle):
        """Write the finished file to the open binary `handle`."""

    def response(self):
        # Not a `with` block: FileResponse closes (and so deletes) the file once it is sent.
        handle = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.write(handle)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=self.filename, content_type=self.content_type)


class XlsxExporter(FileExporter):
    """openpyxl's write-only mode streams rows to a temporary file; the finished file is then streamed back.

    An XLSX is a zip whose directory comes last, so it cannot be sent before it is complete;
    writing it to disk rather than memory keeps memory flat however many rows there are.
    """

    identifier = "xlsx"
    label = gettext_lazy("Excel")
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def _cell(self, sheet, value):
        if value == "":
            # openpyxl skips None outright but still writes an element for "": most optional fields are empty.
            return None
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_TRIGGERS):
                # Stored as a string cell, shown with Excel's own quote prefix: never a formula,
                # and not turned into one when someone edits the cell.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                return cell
        return value

    def write(self, handle):
        workbook = Workbook(write_only=True)
        # Excel refuses sheet titles over 31 characters.
        sheet = workbook.create_sheet(str(self.table.sheet_title)[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        titles = list(self.table.header())
        # Widths from the headings (a write-only sheet cannot measure its rows): readable without resizing.
        for index, text in enumerate(titles, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(text)) + 4, 12), 40)
        header = []
        for text in titles:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in self.table.rows():
            sheet.append([self._cell(sheet, value) for value in row])
            count += 1
        if titles:
            # A filter on every heading, as organisers sort and narrow the list in Excel.
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{count + 1}"
        workbook.save(handle)


# The formats any table of rows is written in: what the lists' export buttons offer.
TABLE_EXPORTERS = {exporter.identifier: exporter for exporter in (CsvExporter, XlsxExporter)}
# Every format the export gate and background jobs can write, other apps' documents included (`exporter_register`).
EXPORTERS = dict(TABLE_EXPORTERS)


def exporter_register(exporter: type[Exporter]) -> None:
    """Add a format another app writes (documents' .docx), so the export gate and background jobs can write it."""
    if EXPORTERS.get(exporter.identifier, exporter) is not exporter:
        raise ValueError(f"export format {exporter.identifier!r} is registered already")
    EXPORTERS[exporter.identifier] = exporter
