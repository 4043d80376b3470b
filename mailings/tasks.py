"""The periodic task of the messages to registrants (`services` defines the tasks it queues itself)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="mailings.requeue_stuck", acks_late=True)
def requeue_stuck() -> int:
    return services.mailings_requeue_stuck(now=timezone.now())
