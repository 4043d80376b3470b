"""The periodic tasks of delegations and the waiting list, each a thin call into a service."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from delegations import credentials, review  # noqa: F401 - review registers the confirming task
from registration import waiting_list


@shared_task(name="delegations.place_offers_lapse", acks_late=True)
def place_offers_lapse() -> int:
    return waiting_list.place_offers_lapse(now=timezone.now())


@shared_task(name="delegations.credentials_remove_past", acks_late=True)
def credentials_remove_past() -> int:
    return credentials.credentials_remove_past(now=timezone.now(), days_after=settings.PERSONAL_DATA_RETENTION_DAYS)
