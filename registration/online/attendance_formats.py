"""Reading the attendance reports Zoom, Microsoft Teams and Webex export, recognised from the file's content."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Larger than any real report of a meeting of a few hundred people; a bigger upload is not one.
MAX_BYTES = 5 * 1024 * 1024
TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",  # Zoom: 06/02/2026 09:58:12 AM
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y, %I:%M:%S %p",  # Teams: 6/2/26, 9:58:12 AM
    "%m/%d/%Y, %I:%M:%S %p",  # Teams, older layout: 6/2/2026, 9:58:12 AM
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M %p",  # Webex: 06/02/2026 09:58 AM
)
# Roles of the people who run the meeting rather than attend it.
HOST_ROLES = {"organizer", "organiser", "host", "cohost", "co-host"}


class AttendanceFileError(ValueError):
    """The file is not an attendance report this site can read; the message says why, for the organiser."""


@dataclass
class Row:
    """One line of a report: one join of one person."""

    name: str
    email: str = ""
    minutes: float = 0
    joined: datetime.datetime | None = None
    left: datetime.datetime | None = None
    channel: str = ""


@dataclass
class Report:
    platform: str
    rows: list[Row] = field(default_factory=list)
    read: int = 0
    ignored: int = 0


def _decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise AttendanceFileError(_("The file is larger than an attendance report can be (5 MB)."))
    # Teams and Webex write UTF-16 with a byte-order mark; Zoom writes UTF-8, sometimes with one.
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # An export opened and saved again in Excel on Windows.
        return content.decode("cp1252", errors="replace")


def _lines(text: str) -> list[list[str]]:
    sample = "\n".join(text.splitlines()[:40])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [[cell.strip() for cell in line] for line in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _time(value: str) -> datetime.datetime | None:
    value = value.strip().replace("\u202f", " ")
    if not value:
        # Trying every format on an empty cell cost a third of a large import.
        return None
    for time_format in TIME_FORMATS:
        try:
            parsed = datetime.datetime.strptime(value, time_format)
        except ValueError:
            continue
        # A year no web conference was held in is not a time this site can store (year 1 overflows
        # when made aware): treat it as unknown, as an empty cell.
        return parsed if 2000 <= parsed.year <= 2100 else None
    return None


# One line of a report covers one connection: more than a week of it is no real attendance.
MINUTES_PER_LINE_AT_MOST = 7 * 24 * 60


def _minutes(value: str) -> float:
    """Minutes from "62", "62 mins", "1h 2m 3s" or "1:02:03"; a duration past a week is refused."""
    minutes = _minutes_read(value)
    if minutes > MINUTES_PER_LINE_AT_MOST:
        raise AttendanceFileError(
            _("A line of the file gives a duration longer than a week: is it an attendance report?")
        )
    return minutes


def _minutes_read(value: str) -> float:
    value = value.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?( ?mins?| ?minutes?)?", value):
        return float(re.match(r"[\d.]+", value).group())
    if match := re.fullmatch(r"(?:(\d+)h)? ?(?:(\d+)m)? ?(?:(\d+)s)?", value):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 60 + minutes + seconds / 60
    if match := re.fullmatch(r"(\d+):(\d{2}):(\d{2})", value):
        hours, minutes, seconds = (int(part) for part in match.groups())
        return hours * 60 + minutes + seconds / 60
    return 0


def _find_header(lines: list[list[str]], wanted: set[str], start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        if wanted <= {cell.lower() for cell in lines[index]}:
            return index
    return None


def _records(lines: list[list[str]], header_at: int, *, stop_at_blank: bool = False):
    header = [cell.lower() for cell in lines[header_at]]
    for line in lines[header_at + 1 :]:
        if stop_at_blank and (not any(line) or re.match(r"\d+\. ", line[0])):
            return
        yield dict(zip(header, line + [""] * (len(header) - len(line)), strict=False))


def _zoom(lines: list[list[str]]) -> Report | None:
    header_at = _find_header(lines, {"name (original name)", "user email"})
    if header_at is None:
        header_at = _find_header(lines, {"participant", "user email", "duration (minutes)"})
    if header_at is None:
        return None
    # The full report starts with the meeting's line, whose "User Email" is the host's.
    host = ""
    meeting_header = _find_header(lines[:header_at], {"meeting id", "user email"})
    if meeting_header is not None and meeting_header + 1 < header_at:
        host = dict(zip((c.lower() for c in lines[meeting_header]), lines[meeting_header + 1], strict=False)).get(
            "user email", ""
        )
    report = Report(platform="Zoom")
    for record in _records(lines, header_at):
        report.read += 1
        name = record.get("name (original name)") or record.get("participant", "")
        email = record.get("user email", "")
        if not (name or email) or (host and email.lower() == host.lower()):
            report.ignored += 1
            continue
        report.rows.append(
            Row(
                name=name,
                email=email,
                minutes=_minutes(record.get("duration (minutes)", "")),
                joined=_time(record.get("join time", "")),
                left=_time(record.get("leave time", "")),
                channel=record.get("language", ""),
            )
        )
    return report


def _teams(lines: list[list[str]]) -> Report | None:
    header_at = _find_header(lines, {"name", "first join", "last leave", "in-meeting duration"})
    if header_at is None:
        return None
    report = Report(platform="Microsoft Teams")
    for record in _records(lines, header_at, stop_at_blank=True):
        report.read += 1
        name, email = record.get("name", ""), record.get("email", "") or record.get("participant id (upn)", "")
        if not (name or email) or record.get("role", "").lower() in HOST_ROLES:
            report.ignored += 1
            continue
        report.rows.append(
            Row(
                name=name,
                email=email if "@" in email else "",
                minutes=_minutes(record.get("in-meeting duration", "")),
                joined=_time(record.get("first join", "")),
                left=_time(record.get("last leave", "")),
            )
        )
    return report


def _teams_legacy(lines: list[list[str]]) -> Report | None:
    header_at = _find_header(lines, {"full name", "user action", "timestamp"})
    if header_at is None:
        return None
    report = Report(platform="Microsoft Teams")
    events = []
    for record in _records(lines, header_at):
        report.read += 1
        name, when = record.get("full name", ""), _time(record.get("timestamp", ""))
        action = record.get("user action", "").lower()
        if not name or when is None or not action.startswith(("join", "left", "leave")):
            report.ignored += 1
            continue
        events.append((name, action.startswith("join"), when))
    # The layout gives one line per join and per leave: each join lasts until the person's next leave,
    # or until the last moment the report knows of when the meeting ended with them still in it.
    end = max((when for _name, _joined, when in events), default=None)
    open_joins: dict[str, datetime.datetime] = {}
    for name, joined, when in events:
        if joined:
            open_joins.setdefault(name, when)
        elif name in open_joins:
            start = open_joins.pop(name)
            report.rows.append(Row(name=name, minutes=(when - start).total_seconds() / 60, joined=start, left=when))
    for name, start in open_joins.items():
        report.rows.append(Row(name=name, minutes=(end - start).total_seconds() / 60, joined=start, left=end))
    return report


def _webex(lines: list[list[str]]) -> Report | None:
    header_at = _find_header(lines, {"attendee email"})
    if header_at is None:
        header_at = _find_header(lines, {"email", "attendance duration"})
    if header_at is None:
        return None
    report = Report(platform="Webex")
    for record in _records(lines, header_at):
        report.read += 1
        name = record.get("name") or record.get("attendee name", "")
        email = record.get("attendee email") or record.get("email", "")
        if not (name or email) or record.get("role", "").lower() in HOST_ROLES:
            report.ignored += 1
            continue
        report.rows.append(
            Row(
                name=name,
                email=email,
                minutes=_minutes(record.get("attendance duration") or record.get("duration", "")),
                joined=_time(record.get("join time", "")),
                left=_time(record.get("leave time", "")),
                channel=record.get("language", ""),
            )
        )
    return report


def attendance_report_read(*, content: bytes) -> Report:
    """The rows of an attendance report, whichever platform wrote it; AttendanceFileError when none did."""
    try:
        text = _decode(content)
        lines = _lines(text)
    except (csv.Error, UnicodeError) as error:
        raise AttendanceFileError(_("The file could not be read as a table of text.")) from error
    for reader in (_teams, _teams_legacy, _zoom, _webex):
        if (report := reader(lines)) is not None:
            # No platform writes a NUL character, and PostgreSQL cannot store one in a text column.
            if "\x00" in text:
                raise AttendanceFileError(_("The file could not be read as a table of text."))
            return report
    raise AttendanceFileError(
        _("This file is not an attendance report from Zoom, Microsoft Teams or Webex: its columns were not recognised.")
    )
