"""Celery tasks: stable names, row ids as arguments, each a thin call into the outbox, reminders or retention."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import attendance_jobs, background_exports, outbox, reminders, retention


@shared_task(name=outbox.SEND_EMAIL_TASK, bind=True, acks_late=True, max_retries=outbox.MAX_ATTEMPTS)
def send_email(self, email_id: int) -> None:
    # The row counts attempts, so a task queued twice cannot try more often than MAX_ATTEMPTS;
    # max_retries is only a fuse.
    retry_in = outbox.email_send(email_id=email_id)
    if retry_in is None:
        return
    if self.request.is_eager:
        # In-process mode runs inside a web request, which must not wait through several SMTP
        # timeouts: the row stays queued with its next attempt time for the periodic re-queue.
        return
    raise self.retry(countdown=retry_in.total_seconds())


@shared_task(name=outbox.SEND_WRITTEN_TASK, acks_late=True)
def send_written_emails() -> int:
    return outbox.written_emails_send(now=timezone.now())


@shared_task(name="registration.send_due_reminders", acks_late=True)
def send_due_reminders() -> int:
    return reminders.reminder_send_due(now=timezone.now())


@shared_task(name="registration.requeue_stale_emails", acks_late=True)
def requeue_stale_emails() -> int:
    return outbox.email_requeue_stale(now=timezone.now())


@shared_task(name="registration.remove_personal_data", acks_late=True)
def remove_personal_data() -> int:
    return retention.registrations_anonymise_past(now=timezone.now(), days_after=settings.PERSONAL_DATA_RETENTION_DAYS)


@shared_task(name=background_exports.EXPORT_BUILD_TASK, acks_late=True)
def export_build(job_id: int) -> None:
    background_exports.export_job_build(job_id=job_id)


@shared_task(name="registration.exports_expire", acks_late=True)
def exports_expire() -> int:
    return background_exports.exports_expire(now=timezone.now())


@shared_task(name=attendance_jobs.ATTENDANCE_IMPORT_TASK, acks_late=True)
def attendance_import(job_id: int) -> None:
    attendance_jobs.attendance_import_job_run(job_id=job_id)
