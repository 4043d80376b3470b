"""Exports too large for a request: queued as a row, built by a Celery task into a private file, then expired."""

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from agenda.models import Meeting
from agenda.selectors import meetings_for_user
from registration.access import can_see_diversity
from registration.exports.tables import EXPORTERS, ChairListTable, SpeakersTable, Table, registration_table
from registration.models import ExportJob, Registration
from registration.online.floor import floor_speakers
from registration.online.participation import ParticipationTable, participation_report_get
from registration.selectors import registration_speakers_list

logger = logging.getLogger(__name__)

EXPORT_BUILD_TASK = "registration.export_build"
# The progress row is written every this many rows: often enough to see it move, rarely enough not to cost.
PROGRESS_EVERY = 500
# A file is written under its name with this suffix and renamed when complete, so no download gets half a file.
PARTIAL_SUFFIX = ".part"
# The kinds built from the registrations list, whose filters and columns can reach the protected answers.
REGISTRATION_KINDS = (ExportJob.Kind.REGISTRATIONS, ExportJob.Kind.SPEAKERS)


def export_table(*, user, queryset: QuerySet, kind: str) -> tuple[Table, str]:
    """The table an export of the changelist's `queryset` writes, and its file name without extension."""
    # Rows are read through a subquery of the filtered ids, without the list's
    # per-row annotations, in the order people registered.
    registrations = Registration.objects.filter(pk__in=queryset.values("pk"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == ExportJob.Kind.SPEAKERS:
        table = SpeakersTable(queryset=registration_speakers_list(registrations=registrations))
        return table, f"speakers-list-{stamp}"
    table = registration_table(
        queryset=registrations.order_by("created_at", "pk"), include_protected_answers=can_see_diversity(user)
    )
    return table, f"registrations-{stamp}"


def export_goes_to_background(*, total: int) -> bool:
    return total > settings.EXPORT_IN_BACKGROUND_FROM_ROWS


def export_job_create(*, user, kind: str, format_id: str, query: str, total: int, filename_stem: str) -> ExportJob:
    """The job row; the caller queues `export_build` once it is committed."""
    now = timezone.now()
    extension = EXPORTERS[format_id].extension
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        format=format_id,
        query=query,
        total=total,
        file_name=f"{filename_stem}.{extension}",
        # Unguessable, so a file name seen in a log opens nothing even if the directory leaked.
        stored_name=f"{secrets.token_hex(16)}.{extension}",
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=settings.EXPORT_KEEP_SECONDS),
    )
    return job


def export_job_path(*, job: ExportJob) -> Path:
    return Path(settings.EXPORT_DIR) / job.stored_name


def _partial_path(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL_SUFFIX)


def chair_list_table(*, meeting: Meeting) -> tuple[Table, str]:
    """The chair's speakers' list of `meeting` and its file name without extension."""
    stem = f"speakers-list-{meeting.slug}-{timezone.localtime():%Y%m%d-%H%M}"
    return ChairListTable(queryset=floor_speakers(meeting=meeting)), stem


def participation_table(*, meeting: Meeting) -> tuple[ParticipationTable, str]:
    """The participation report of `meeting` as one table, and its file name without extension."""
    stem = f"participation-{meeting.slug}-{timezone.localtime():%Y%m%d-%H%M}"
    return ParticipationTable(report=participation_report_get(meeting=meeting)), stem


@dataclass(frozen=True)
class ExportKind:
    """How a job of one kind is checked and built again from its user and stored query, and where it came from.

    `check` raises PermissionDenied or Http404 when the user may no longer see what the job holds;
    `build` checks, then returns the table, the file name without extension and the meetings its rows are of.
    A kind without `build` makes no file: it imports (`attendance_jobs`), and `summary` says what it found.
    """

    check: Callable[..., object]
    build: Callable[..., tuple[Table, str, list[int]]] | None
    page: str
    back_label: str
    summary: Callable[[ExportJob], str] | None = None


# Filled by the admin layer (registration/admin/export_kinds.py), which knows how each kind's page
# checks rights and builds its rows; a worker has them because Django's admin autodiscovery runs at setup.
EXPORT_KINDS: dict[str, ExportKind] = {}


def export_kind_register(*, kind: str, export_kind: ExportKind) -> None:
    """Say how jobs of `kind` are checked and built again; each kind once."""
    if kind in EXPORT_KINDS:
        raise ValueError(f"export kind {kind!r} is registered already")
    EXPORT_KINDS[kind] = export_kind


def export_job_allowed(*, job: ExportJob) -> bool:
    """Whether the job's user may still see what it holds, asked again before its file is handed over."""
    try:
        EXPORT_KINDS[job.kind].check(user=job.user, query=job.query)
    except (PermissionDenied, Http404):
        return False
    # The query alone does not say what a list without a meeting filter held, nor whether the
    # file has the protected answers: the build recorded both.
    if job.with_protected_answers and not can_see_diversity(job.user):
        return False
    meetings = set(meetings_for_user(job.user).values_list("pk", flat=True))
    return set(job.meeting_ids) <= meetings


class _CountedTable:
    """A table whose rows report how many were written, so the progress page can show it."""

    def __init__(self, *, table: Table, job: ExportJob):
        self.table, self.job = table, job
        self.sheet_title = table.sheet_title
        self.written = 0

    def header(self) -> list[str]:
        return self.table.header()

    def rows(self):
        for row in self.table.rows():
            yield row
            self.written += 1
            if self.written % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(written=min(self.written, self.job.total))


def export_job_build(*, job_id: int) -> ExportJob | None:
    """Write the job's file once; a second delivery of the task finds it started and returns."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED or EXPORT_KINDS[job.kind].build is None:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    path = export_job_path(job=job)
    partial = _partial_path(path)
    try:
        # Rights are read again when the file is built: someone removed from the team meanwhile gets nothing.
        table, stem, meeting_ids = EXPORT_KINDS[job.kind].build(user=job.user, query=job.query)
        counted = _CountedTable(table=table, job=job)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with partial.open("wb") as handle:
            EXPORTERS[job.format](table=counted, filename_stem=stem).write(handle)
        partial.rename(path)
    except (PermissionDenied, Http404):
        logger.warning("export %s refused: its user may no longer see what it holds", job.pk)
        export_job_refuse(job=job)
        return job
    except Exception:  # a failed export is reported on its page, never left running
        logger.exception("export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        return job
    # The count can have grown since the request counted it. Only a job still running is done: one
    # refused meanwhile (an erasure of someone it may hold) keeps no file.
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE,
        written=counted.written,
        total=max(job.total, counted.written),
        meeting_ids=meeting_ids,
        with_protected_answers=job.kind in REGISTRATION_KINDS and can_see_diversity(job.user),
    )
    if not finished:
        path.unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _export_job_end(*, job: ExportJob, status: str) -> None:
    """Delete the job's file, finished or half-written, and leave the job at `status`."""
    path = export_job_path(job=job)
    path.unlink(missing_ok=True)
    _partial_path(path).unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(status=status)
    job.status = status


def export_job_expire(*, job: ExportJob) -> None:
    _export_job_end(job=job, status=ExportJob.Status.EXPIRED)


def export_job_refuse(*, job: ExportJob) -> None:
    """Delete the file of a job whose user may no longer see what it holds, and say so on its page."""
    _export_job_end(job=job, status=ExportJob.Status.REFUSED)


# The kinds whose files name people: the participation report holds counts only.
PERSONAL_KINDS = (*REGISTRATION_KINDS, ExportJob.Kind.CHAIR_LIST, ExportJob.Kind.LIST_OF_PARTICIPANTS)


def export_jobs_refuse_holding(*, meeting_ids: set[int]) -> int:
    """Delete every file built, or being built, that may hold a registration of these meetings; return how many.

    Called when registrations' personal data is removed: a copy made before must not outlive it. A job
    being built has not recorded its meetings yet, so it is refused too; a queued one will read the
    registrations as they are then.
    """
    jobs = ExportJob.objects.filter(
        kind__in=PERSONAL_KINDS, status__in=[ExportJob.Status.RUNNING, ExportJob.Status.DONE]
    )
    refused = 0
    for job in jobs.select_for_update():
        if job.status == ExportJob.Status.RUNNING or meeting_ids & set(job.meeting_ids):
            export_job_refuse(job=job)
            refused += 1
    return refused


def exports_expire(*, now) -> int:
    """Delete every export past its time, and any file in the directory no live job owns."""
    jobs = ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportJob.Status.EXPIRED)
    count = 0
    for job in jobs:
        export_job_expire(job=job)
        count += 1
    directory = Path(settings.EXPORT_DIR)
    if directory.is_dir():
        live = set(ExportJob.objects.exclude(status=ExportJob.Status.EXPIRED).values_list("stored_name", flat=True))
        for path in directory.iterdir():
            if path.name.removesuffix(PARTIAL_SUFFIX) not in live:
                path.unlink(missing_ok=True)
                count += 1
    return count


@shared_task(name=EXPORT_BUILD_TASK, acks_late=True)
def export_build(job_id: int) -> None:
    export_job_build(job_id=job_id)
