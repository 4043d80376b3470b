"""Celery tasks of the messages to registrants: stable names, ids as arguments, each a call into services."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name=services.WRITE_EMAILS_TASK, acks_late=True)
def write_emails(mailing_id: int) -> int:
    return services.mailing_emails_write(mailing_id=mailing_id)


@shared_task(name=services.SEND_BATCH_TASK, acks_late=True)
def send_batch(email_ids: list[int]) -> int:
    return services.mailing_batch_send(email_ids=email_ids)


@shared_task(name="mailings.requeue_stuck", acks_late=True)
def requeue_stuck() -> int:
    return services.mailings_requeue_stuck(now=timezone.now())
