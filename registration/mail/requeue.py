"""Re-queueing what the outbox lost (broker down, worker killed mid-send); the organisers' retry of failed emails."""

import datetime
import logging
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from registration.mail.outbox import (
    MAX_ATTEMPTS,
    REQUEUE_LIMIT,
    REQUEUE_QUEUED_AFTER,
    REQUEUE_SENDING_AFTER,
    email_dispatch,
)
from registration.models import OutgoingEmail

logger = logging.getLogger(__name__)


def email_requeue_stale(*, now: datetime.datetime) -> int:
    """Queue again the rows whose task was lost; return how many were queued.

    A row left "sending" past REQUEUE_SENDING_AFTER belongs to a worker that died. Sending it
    again risks one duplicate when that worker died after the server accepted the message and
    before the row was marked sent; the alternative, never sending it, loses a confirmation
    whenever a worker is killed mid-send, which is the worse failure for a registrant.
    """
    with transaction.atomic():
        stale_sending = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingEmail.Status.SENDING, sending_started_at__lt=now - REQUEUE_SENDING_AFTER)
            .values_list("pk", "attempts")[:REQUEUE_LIMIT]
        )
        exhausted = [pk for pk, attempts in stale_sending if attempts >= MAX_ATTEMPTS]
        OutgoingEmail.objects.filter(pk__in=exhausted).update(
            status=OutgoingEmail.Status.FAILED, last_error="The worker stopped while sending, on every attempt."
        )
        revived = [pk for pk, attempts in stale_sending if attempts < MAX_ATTEMPTS]
        OutgoingEmail.objects.filter(pk__in=revived).update(
            status=OutgoingEmail.Status.QUEUED,
            last_error="The worker stopped while sending; sent again.",
            next_attempt_at=now,
        )
        lost = list(
            OutgoingEmail.objects.filter(
                status=OutgoingEmail.Status.QUEUED, next_attempt_at__lt=now - REQUEUE_QUEUED_AFTER
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:REQUEUE_LIMIT]
        )
        # Not requeued again for another REQUEUE_QUEUED_AFTER, so a long backlog in the
        # broker does not fill it with copies of the same message.
        OutgoingEmail.objects.filter(pk__in=lost).update(next_attempt_at=now)
        email_ids = revived + lost
        transaction.on_commit(partial(email_dispatch, email_ids=email_ids))
    if email_ids:
        logger.info("re-queued %d email(s)", len(email_ids))
    return len(email_ids)


def email_retry_failed(*, emails: QuerySet[OutgoingEmail]) -> int:
    """Queue the failed rows among `emails` again with a fresh set of attempts; return how many.

    The last error stays on the row until a send succeeds, so the admin still shows why it failed.
    """
    with transaction.atomic():
        # Through a subquery: the admin's queryset may join nullable relations, which
        # PostgreSQL refuses to lock.
        email_ids = list(
            OutgoingEmail.objects.filter(pk__in=emails.values("pk"), status=OutgoingEmail.Status.FAILED)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=email_ids).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(partial(email_dispatch, email_ids=email_ids))
    return len(email_ids)
