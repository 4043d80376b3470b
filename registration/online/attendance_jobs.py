"""Attendance reports too large to import in a request: kept privately, imported by the worker, shown as exports."""

import datetime
import logging
import secrets

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode

from agenda.models import Meeting
from registration.exports.background import EXPORT_KINDS, export_job_path, export_job_refuse
from registration.models import ExportJob
from registration.online.attendance import attendance_import

logger = logging.getLogger(__name__)

ATTENDANCE_IMPORT_TASK = "registration.attendance_import"


def attendance_import_goes_to_background(*, rows: int) -> bool:
    return rows > settings.ATTENDANCE_IMPORT_IN_BACKGROUND_FROM_ROWS


def attendance_import_job_create(*, user, meeting: Meeting, content: bytes, file_name: str, rows: int) -> ExportJob:
    """The job and its file, kept where no URL serves it; the caller queues `attendance_import_task` after commit."""
    now = timezone.now()
    job = ExportJob.objects.create(
        user=user,
        kind=ExportJob.Kind.ATTENDANCE_IMPORT,
        format="report",
        # The changelist's own filter: the job's page links back to the people left to match.
        query=urlencode({"meeting__id__exact": meeting.pk, "state": "to_match"}),
        total=rows,
        file_name=file_name[:200],
        stored_name=f"{secrets.token_hex(16)}.upload",
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=settings.EXPORT_KEEP_SECONDS),
    )
    path = export_job_path(job=job)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(content)
    return job


def attendance_import_job_run(*, job_id: int) -> ExportJob | None:
    """Import the job's report once, as its user; a second delivery of the task finds it started and returns.

    The report's file is deleted once read, imported or not: it names the people who attended. The
    import is one transaction, nothing saved half-way, so its page shows it running, then its result.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.kind != ExportJob.Kind.ATTENDANCE_IMPORT or job.status != ExportJob.Status.QUEUED:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    path = export_job_path(job=job)
    try:
        # Rights as they are now: someone taken off the meeting's team meanwhile imports nothing.
        meeting = EXPORT_KINDS[job.kind].check(user=job.user, query=job.query)
        content = path.read_bytes()
        path.unlink(missing_ok=True)

        result = attendance_import(meeting=meeting, content=content)
    except (PermissionDenied, Http404):
        logger.warning("attendance import %s refused: its user may no longer import into the meeting", job.pk)
        export_job_refuse(job=job)
        return job
    except Exception:  # a failed import is reported on its page, never left running
        logger.exception("attendance import %s failed", job.pk)
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        return job
    counts = {"read": result.read, "matched": result.matched, "unmatched": result.unmatched, "ignored": result.ignored}
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, written=job.total, result=counts)
    job.refresh_from_db()
    return job


@shared_task(name=ATTENDANCE_IMPORT_TASK, acks_late=True)
def attendance_import_task(job_id: int) -> None:
    attendance_import_job_run(job_id=job_id)
