"""The periodic tasks beat runs, each a thin call into the outbox, reminders, retention or exports.

Tasks that a module queues itself live beside what they call: `outbox.send_email`,
`outbox.send_written_emails` and `background.export_build`; nothing looks a task up by name.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from registration import retention
from registration.exports import background as background_exports
from registration.mail import reminders, requeue


@shared_task(name="registration.send_due_reminders", acks_late=True)
def send_due_reminders() -> int:
    return reminders.reminder_send_due(now=timezone.now())


@shared_task(name="registration.requeue_stale_emails", acks_late=True)
def requeue_stale_emails() -> int:
    return requeue.email_requeue_stale(now=timezone.now())


@shared_task(name="registration.remove_personal_data", acks_late=True)
def remove_personal_data() -> int:
    return retention.registrations_anonymise_past(now=timezone.now(), days_after=settings.PERSONAL_DATA_RETENTION_DAYS)


@shared_task(name="registration.exports_expire", acks_late=True)
def exports_expire() -> int:
    return background_exports.exports_expire(now=timezone.now())
