"""Importing an attendance report: people matched to registrations by email, then by name, each counted once."""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting
from registration.models import Attendance, AttendanceImport, Registration
from registration.online.attendance_formats import Row, attendance_report_read

# Letters NFKD does not split into a base letter and an accent.
LETTERS_APART = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
# Titles people put before their name on a platform; the registration keeps the title apart.
TITLES = {"he", "dr", "mr", "mrs", "ms", "mx", "prof", "amb"}
# The columns' lengths: a report's cell can be longer, and PostgreSQL refuses what does not fit.
CHANNEL_LENGTH = Attendance._meta.get_field("channel").max_length
# Room left in person_key for its "name:" prefix.
NAME_LENGTH = Attendance._meta.get_field("person_key").max_length - len("name:")


def name_key(name: str) -> str:
    """A name reduced to what stays the same however it is typed: case, accents, spaces, order, titles.

    "Đoković, Ana", "ana dokovic" and "H.E. Ana  Đoković" give the same key. The words are sorted,
    so "Last, First" and "First Last" agree.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(LETTERS_APART))
    # Without the dots, "H.E." is one word, a title, and "J.-P." stays "j" and "p".
    text = "".join(char for char in text if not unicodedata.combining(char)).replace(".", "")
    words = [word for word in re.split(r"[^\w]+|_", text) if word and word not in TITLES]
    return " ".join(sorted(words))


def _name_keys(name: str) -> list[str]:
    # Zoom writes a renamed participant as "New name (Original name)": either may be the registered one.
    keys = [name_key(name)]
    if match := re.fullmatch(r"(.+?)\s*\((.+)\)", name.strip()):
        keys += [name_key(match.group(1)), name_key(match.group(2))]
    return [key for key in dict.fromkeys(keys) if key]


@dataclass
class Person:
    """Every row of one person in one report, joins summed."""

    name: str
    email: str
    minutes: float = 0
    first_join: datetime.datetime | None = None
    last_leave: datetime.datetime | None = None
    channel: str = ""
    name_keys: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"email:{self.email.lower()}" if self.email else f"name:{self.name_keys[0]}"

    def add(self, row: Row, tz) -> None:
        self.minutes += row.minutes
        joined = row.joined and timezone.make_aware(row.joined, tz)
        left = row.left and timezone.make_aware(row.left, tz)
        self.first_join = min(filter(None, (self.first_join, joined)), default=None)
        self.last_leave = max(filter(None, (self.last_leave, left)), default=None)
        self.channel = (self.channel or row.channel)[:CHANNEL_LENGTH]


def _people(rows: list[Row], tz) -> list[Person]:
    people: dict[str, Person] = {}
    for row in rows:
        # Cut to the columns before keys are made from it: "name:" and the key must fit person_key.
        name = row.name[:NAME_LENGTH]
        keys = _name_keys(name)
        if not (row.email or keys):
            continue
        person = Person(name=name, email=row.email[:254], name_keys=keys)
        people.setdefault(person.key, person).add(row, tz)
    return list(people.values())


def _registrations_by_key(meeting: Meeting) -> tuple[dict[str, Registration], dict[str, Registration | None]]:
    by_email, by_name = {}, {}
    for registration in Registration.objects.filter(meeting=meeting, anonymised_at__isnull=True):
        by_email[registration.email.lower()] = registration
        key = name_key(f"{registration.first_name} {registration.last_name}")
        # Two registrations with the same name: neither is matched by name, the organiser chooses.
        by_name[key] = None if key in by_name else registration
    return by_email, by_name


@dataclass(frozen=True)
class ImportResult:
    platform: str
    read: int
    matched: int
    unmatched: int
    ignored: int
    already_imported: bool = False


def _merge(row: Attendance, other: Person | Attendance) -> None:
    """Fold `other`'s time in the meeting into `row`: the same person, counted once."""
    row.minutes += round(other.minutes)
    row.first_join = min(filter(None, (row.first_join, other.first_join)), default=None)
    row.last_leave = max(filter(None, (row.last_leave, other.last_leave)), default=None)
    row.channel = (row.channel or other.channel)[:CHANNEL_LENGTH]


# Rows written per INSERT or UPDATE statement.
WRITE_BATCH = 1000


def attendance_import_summary(*, read: int, matched: int, unmatched: int, ignored: int) -> str:
    """What an import found, as the organiser reads it after an upload, whether in the request or by the worker."""
    return _(
        "%(read)d rows read: %(matched)d people matched, %(unmatched)d to match by hand, %(ignored)d rows ignored."
    ) % {"read": read, "matched": matched, "unmatched": unmatched, "ignored": ignored}


def _previous_result(*, meeting: Meeting, digest: str) -> ImportResult | None:
    previous = AttendanceImport.objects.filter(meeting=meeting, sha256=digest).first()
    if previous is None:
        return None
    return ImportResult(
        platform=previous.platform,
        read=previous.rows_read,
        matched=previous.matched,
        unmatched=previous.unmatched,
        ignored=previous.ignored,
        already_imported=True,
    )


def attendance_import(*, meeting: Meeting, content: bytes) -> ImportResult:
    """Read a report into the meeting's attendance; the same file a second time changes nothing.

    Raises AttendanceFileError, with a message for the organiser, when the file is no report.
    A different report of the same meeting (a second session) adds its minutes to the same people.
    People are matched in memory and written in batches: a fixed number of queries per thousand
    people, so a report of 100,000 lines takes seconds (docs/performance.md).
    """
    report = attendance_report_read(content=content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        # The same file uploaded twice at once: the second waits here, then finds the first's import.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if previous := _previous_result(meeting=meeting, digest=digest):
            return previous
        by_email, by_name = _registrations_by_key(meeting)
        rows = list(meeting.attendances.all())
        by_registration = {row.registration_id: row for row in rows if row.registration_id}
        by_person_key = {row.person_key: row for row in rows}
        written: dict[int, Attendance] = {}
        created: list[Attendance] = []
        matched = unmatched = ignored = 0
        for person in _people(report.rows, meeting.tzinfo):
            registration = by_email.get(person.email.lower()) if person.email else None
            registration = registration or next(filter(None, map(by_name.get, person.name_keys)), None)
            row = (registration and by_registration.get(registration.pk)) or by_person_key.get(person.key)
            if row is None:
                row = Attendance(meeting=meeting, person_key=person.key, name=person.name, email=person.email)
                by_person_key[person.key] = row
                created.append(row)
            elif row.pk is not None:
                written[row.pk] = row
            if row.registration_id is None and registration is not None and not row.ignored:
                row.registration, row.unregistered = registration, False
                by_registration[registration.pk] = row
            _merge(row, person)
            row.source_sha256 = digest
            if row.ignored:
                ignored += 1
            elif row.registration_id:
                matched += 1
            else:
                unmatched += 1
        # The rows changed are written again under their own ids: a DELETE and an INSERT per thousand
        # rows, where bulk_update's CASE per row and column took minutes for 100,000 people.
        changed = list(written)
        for start in range(0, len(changed), WRITE_BATCH):
            Attendance.objects.filter(pk__in=changed[start : start + WRITE_BATCH]).delete()
        Attendance.objects.bulk_create([*written.values(), *created], batch_size=WRITE_BATCH)
        AttendanceImport.objects.create(
            meeting=meeting,
            sha256=digest,
            platform=report.platform,
            rows_read=report.read,
            matched=matched,
            unmatched=unmatched,
            ignored=report.ignored + ignored,
        )
    return ImportResult(
        platform=report.platform,
        read=report.read,
        matched=matched,
        unmatched=unmatched,
        ignored=report.ignored + ignored,
    )


def attendance_match(*, attendance: Attendance, registration: Registration) -> Attendance:
    """Give an unmatched person their registration, chosen by the organiser; return the row that holds them.

    When the registration already has a row (the person also joined under another name), the two
    become one, minutes summed, so the person still counts once.
    """
    if registration.meeting_id != attendance.meeting_id:
        raise ValidationError(_("This registration is for another meeting."))
    with transaction.atomic():
        kept = (
            Attendance.objects.select_for_update()
            .filter(meeting_id=attendance.meeting_id, registration=registration)
            .exclude(pk=attendance.pk)
            .first()
        )
        if kept is None:
            attendance.registration, attendance.unregistered, attendance.ignored = registration, False, False
            attendance.save()
            return attendance
        _merge(kept, attendance)
        kept.save()
        attendance.delete()
        return kept


def attendance_record_unregistered(*, attendances: QuerySet) -> int:
    """Record the unmatched among `attendances` as people who attended without registering; return how many."""
    return attendances.filter(registration__isnull=True, unregistered=False).update(unregistered=True, ignored=False)


def attendance_ignore(*, attendances: QuerySet) -> int:
    """Set aside the unmatched among `attendances` (the host, a room, a test): neither to match nor counted."""
    return attendances.filter(registration__isnull=True, unregistered=False, ignored=False).update(ignored=True)
