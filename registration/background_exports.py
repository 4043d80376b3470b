"""Exports too large for a request: queued as a row, built by a Celery task into a private file, then expired."""

import datetime
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from .access import can_see_diversity
from .export_jobs import ExportJob
from .exports import EXPORTERS, SpeakersTable, Table, registration_table
from .models import Registration
from .selectors import registration_speakers_list

logger = logging.getLogger(__name__)

EXPORT_BUILD_TASK = "registration.export_build"
# The progress row is written every this many rows: often enough to see it move, rarely enough not to cost.
PROGRESS_EVERY = 500


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
    """The job row; the caller queues `tasks.export_build` once it is committed."""
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


def _changelist_queryset(*, job: ExportJob) -> QuerySet:
    """The changelist's rows for the job's user and query, through the very admin code of the immediate export."""
    model_admin = admin.site.get_model_admin(Registration)
    request = HttpRequest()
    request.method = "GET"
    request.path = reverse("admin:registration_registration_changelist")
    request.GET = QueryDict(job.query)
    request.user = job.user
    # Rights are read again when the file is built: someone removed from the team meanwhile gets nothing.
    if not (model_admin.has_view_permission(request) and model_admin.has_export_permission(request)):
        raise PermissionDenied
    return model_admin.get_changelist_instance(request).queryset


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
        if job is None or job.status != ExportJob.Status.QUEUED:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    path = export_job_path(job=job)
    partial = path.with_name(path.name + ".part")
    try:
        queryset = _changelist_queryset(job=job)
        table, stem = export_table(user=job.user, queryset=queryset, kind=job.kind)
        counted = _CountedTable(table=table, job=job)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with partial.open("wb") as handle:
            EXPORTERS[job.format](table=counted, filename_stem=stem).write(handle)
        partial.rename(path)
    except Exception:  # a failed export is reported on its page, never left running
        logger.exception("export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        return job
    # The count can have grown since the request counted it.
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, written=counted.written, total=max(job.total, counted.written)
    )
    job.refresh_from_db()
    return job


def export_job_expire(*, job: ExportJob) -> None:
    path = export_job_path(job=job)
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".part").unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED)
    job.status = ExportJob.Status.EXPIRED


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
            if path.name.removesuffix(".part") not in live:
                path.unlink(missing_ok=True)
                count += 1
    return count
