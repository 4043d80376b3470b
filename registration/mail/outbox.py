"""The outbox: write each email as a row, queue it after commit, send it at most once, retry, re-queue the lost.

Its two sending tasks are defined here, beside what they call, so the module queues them by reference
(as pretix's mail service does). A task's `apply_async` honours CELERY_TASK_ALWAYS_EAGER and sends
in-process when there is no broker (the quickstart and the tests).
"""

import datetime
import logging
import smtplib
import threading
import time
from collections.abc import Iterable
from functools import partial
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from agenda.models import Meeting
from registration.mail.emails import (
    JOINING_KINDS,
    email_build,
    email_build_to,
    email_build_unrendered,
    email_build_unrendered_to,
    email_message_build,
    email_render,
)
from registration.models import OutgoingEmail, Registration, Reminder
from registration.online.joining import Joining

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "registration.send_email"
# One first try and five retries, waiting 1, 2, 4, 8 and 16 minutes: about half an hour
# rides out a mail server's restart or a greylisting delay; longer is an outage for a person.
MAX_ATTEMPTS = 6
RETRY_FIRST_DELAY = datetime.timedelta(minutes=1)
RETRY_MAX_DELAY = datetime.timedelta(minutes=30)
# A queued row no worker has taken this long after it was due lost its task message
# (broker down when it was queued, or a retry message lost): the periodic task queues it again.
REQUEUE_QUEUED_AFTER = datetime.timedelta(minutes=5)
# A row "sending" this long belongs to a worker that died between marking it and marking it
# sent: far longer than an SMTP conversation (EMAIL_TIMEOUT) can take.
REQUEUE_SENDING_AFTER = datetime.timedelta(minutes=15)
REQUEUE_LIMIT = 1000
# The confirmations the registration form writes are not each announced to the broker: a web
# process asks a worker to send what was written at most once per ANNOUNCE_WINDOW, and that task
# runs two windows later, so it finds every row written in its window, with a window to spare for
# clocks that disagree. A participant waits two seconds at most; the form saves a publish per
# registration (a fifth of its cost, docs/performance.md).
SEND_WRITTEN_TASK = "registration.send_written_emails"
ANNOUNCE_WINDOW = datetime.timedelta(seconds=1)
WRITTEN_LIMIT = 1000
# The public form's "already registered" path: someone who lost their link asks again once or twice;
# beyond that it is somebody filling a stranger's inbox. Decided here, when the worker sends, so
# the form does the same work for a registered address as for a new one (issue 19, point 5).
MANAGE_LINK_RESENDS_PER_HOUR = 3
MANAGE_LINK_WINDOW = datetime.timedelta(hours=1)


# Queueing


def email_queue(
    *,
    registration: Registration,
    kind: str,
    reminder: Reminder | None = None,
    joining: Joining | None = None,
    extra: dict[str, Any] | None = None,
) -> OutgoingEmail:
    """Write the email row for `registration` and queue its sending once the transaction commits."""
    email = email_build(registration=registration, kind=kind, reminder=reminder, joining=joining, extra=extra)
    email.save()
    transaction.on_commit(partial(email_dispatch, email_ids=[email.pk]))
    return email


def email_queue_rendered_later(*, registration: Registration, kind: str) -> OutgoingEmail:
    """Write the row of an email the worker renders when it sends it (see `email_build_unrendered`).

    The row is written in the caller's transaction like any other: nothing is lost if the request
    ends after it commits. On a broker it is sent by the window's `written_emails_send` task
    (see ANNOUNCE_WINDOW), not by a message of its own.
    """
    email = email_build_unrendered(registration=registration, kind=kind)
    email.save()
    transaction.on_commit(partial(_written_email_announce, email_id=email.pk))
    return email


def email_queue_rendered_later_for_address(*, meeting: Meeting, email: str, kind: str) -> OutgoingEmail:
    """Write the row of an email, rendered by the worker, to the registration of `meeting` that has `email`.

    The registration is found by a subquery in the row's own insert, so this costs the statement
    `email_queue_rendered_later` costs (the registration form's two paths must cost the same).
    """
    registration_id = Subquery(Registration.objects.filter(meeting=meeting, email__iexact=email).values("pk")[:1])
    # No calendar: the only kind written this way is the manage link.
    row = email_build_unrendered_to(registration_id=registration_id, to_email=email, kind=kind, attach_calendar=False)
    row.save()
    transaction.on_commit(partial(_written_email_announce, email_id=row.pk))
    return row


class _Announcements:
    """When this process last asked a worker to send the written rows, so it asks once per window."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = float("-inf")

    def due(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.last < ANNOUNCE_WINDOW.total_seconds():
                return False
            self.last = now
            return True

    def forget(self) -> None:
        with self.lock:
            self.last = float("-inf")


_announcements = _Announcements()


def _written_email_announce(*, email_id: int) -> None:
    """After commit: have the row sent, by a task of its own in-process, or by this window's task on a broker."""
    send_written = send_written_emails
    if send_written.app.conf.task_always_eager:
        # No broker (the quickstart, the tests): sent here and now, like every other email.
        email_dispatch(email_ids=[email_id])
        return
    if not _announcements.due():
        return
    try:
        send_written.apply_async(countdown=2 * ANNOUNCE_WINDOW.total_seconds())
    except Exception:
        # The row is committed: the next registration asks again, and the periodic re-queue sends it.
        _announcements.forget()
        logger.exception("could not ask a worker to send the written emails; the periodic re-queue will")


def written_emails_send(*, now: datetime.datetime) -> int:
    """Send the rows written by `email_queue_rendered_later` and due by `now`; return how many were tried.

    One of these tasks runs per web process and window, so several may run at once: `email_send`
    claims each row under its lock, and a row another task holds is skipped. A transient failure
    is retried by a `send_email` task of its own, as for any email.
    """
    email_ids = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.QUEUED, body_text="", attempts=0, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:WRITTEN_LIMIT]
    )
    for email_id in email_ids:
        retry_in = email_send(email_id=email_id)
        if retry_in is not None:
            send_email.apply_async(args=[email_id], countdown=retry_in.total_seconds())
    return len(email_ids)


def email_queue_to(
    *, registration: Registration, kind: str, to_email: str, subject: str, template: str, context: dict[str, Any]
) -> OutgoingEmail:
    """Write and queue an email about `registration` to `to_email` (see `email_build_to`)."""
    email = email_build_to(
        registration=registration, kind=kind, to_email=to_email, subject=subject, template=template, context=context
    )
    email.save()
    transaction.on_commit(partial(email_dispatch, email_ids=[email.pk]))
    return email


def email_dispatch(*, email_ids: Iterable[int]) -> int:
    """Hand rows to the broker; when it is unreachable, log and leave them for `email_requeue_stale`.

    Returns how many task messages were published.
    """
    published = 0
    email_ids = list(email_ids)
    if not email_ids:
        return 0
    try:
        if send_email.app.conf.task_always_eager:
            # In-process (no broker): the very same task, run here and now.
            for email_id in email_ids:
                send_email.apply_async(args=[email_id])
                published += 1
            return published
        # One producer for the whole batch: a reminder run publishes thousands of messages.
        with send_email.app.producer_or_acquire() as producer:
            for email_id in email_ids:
                send_email.apply_async(args=[email_id], producer=producer)
                published += 1
    except Exception:
        # The rows are committed and queued: nothing is lost, the periodic re-queue sends them.
        logger.exception(
            "could not queue %d email(s); the periodic re-queue will send them",
            len(email_ids) - published,
            extra={"email_ids": email_ids[published : published + 20]},
        )
    return published


# Sending


def smtp_error_is_transient(exc: BaseException) -> bool:
    """Whether another try may succeed: 4xx replies and lost connections, not 5xx refusals."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        # For example STARTTLS not offered: a configuration problem no retry will fix.
        return False
    # ConnectionError, socket.timeout (TimeoutError), DNS failures: all OSError.
    return isinstance(exc, OSError)


def email_retry_delay(*, attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: doubling from RETRY_FIRST_DELAY, capped."""
    return min(RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def _skip_reason(email: OutgoingEmail, now: datetime.datetime) -> str:
    registration = email.registration
    if registration is None:
        return "The registration is gone."
    if registration.anonymised_at:
        return "The registration's personal data has been removed."
    if email.kind == OutgoingEmail.Kind.MANAGE_LINK and _manage_links_sent(email=email, now=now) >= (
        MANAGE_LINK_RESENDS_PER_HOUR
    ):
        return "The manage link was sent again as often as it may be in an hour."
    if email.kind == OutgoingEmail.Kind.CONFIRMATION and registration.status in (
        Registration.Status.DECLINED,
        Registration.Status.CANCELLED,
    ):
        # A confirmation still queued when the organisers declined or the registration was cancelled
        # (a worker behind, or down): rendered now it would say "confirmed" to someone who is not.
        return "The registration was declined or cancelled before its confirmation was sent."
    if email.kind == OutgoingEmail.Kind.CALENDAR_UPDATE and registration.status != Registration.Status.ACTIVE:
        return "The registration is no longer active."
    if email.kind not in JOINING_KINDS:
        return ""
    if registration.status != Registration.Status.ACTIVE:
        return "The registration is no longer active."
    if email.kind == OutgoingEmail.Kind.REMINDER and email.reminder.meeting.ends_at <= now:
        return "The meeting is over."
    return ""


def _manage_links_sent(*, email: OutgoingEmail, now: datetime.datetime) -> int:
    # Under the registration's row lock, so two workers cannot both send the last one allowed.
    Registration.objects.select_for_update().filter(pk=email.registration_id).first()
    return OutgoingEmail.objects.filter(
        registration_id=email.registration_id,
        kind=OutgoingEmail.Kind.MANAGE_LINK,
        status__in=(OutgoingEmail.Status.SENDING, OutgoingEmail.Status.SENT),
        created_at__gt=now - MANAGE_LINK_WINDOW,
    ).count()


def email_send(*, email_id: int, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """Send one email row at most once; return the delay before a retry when a transient error left it queued.

    Safe to run twice or in two workers at once: the row is locked while it moves from queued to
    sending, and only a queued row is sent.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(of=("self",))
            .select_related("registration__meeting", "reminder__meeting")
            .filter(pk=email_id)
            .first()
        )
        if email is None:
            logger.warning("email %s is gone; nothing to send", email_id)
            return None
        if email.status != OutgoingEmail.Status.QUEUED:
            # Sent, failed, skipped, or another worker holds it as "sending".
            return None
        if reason := _skip_reason(email, now or timezone.now()):
            email.mark_skipped(reason=reason)
            return None
        email.mark_sending()

    # Outside the transaction: a row lock must not be held through a slow SMTP conversation.
    try:
        if not email.body_text:
            # Rendered once, by the worker that marked it sending: kept on the row for the admin
            # and for any retry, which sends the same text.
            email_render(email=email)
            email.save(update_fields=["to_email", "subject", "body_text", "body_html"])
        email_message_build(email=email).send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, none is lost
        return _email_send_failed(email=email, exc=exc)
    email.mark_sent(message_id=email.message_id)
    logger.info("email sent", extra={"email_id": email.pk, "kind": email.kind})
    return None


def _email_send_failed(*, email: OutgoingEmail, exc: Exception) -> datetime.timedelta | None:
    error = f"{type(exc).__name__}: {exc}"
    if smtp_error_is_transient(exc) and email.attempts < MAX_ATTEMPTS:
        delay = email_retry_delay(attempts=email.attempts)
        email.mark_queued(error=error, retry_at=timezone.now() + delay)
        logger.warning("email %s: transient error, retrying in %s: %s", email.pk, delay, error)
        return delay
    email.mark_failed(error=error)
    logger.error("email %s failed after %d attempt(s): %s", email.pk, email.attempts, error, exc_info=exc)
    return None


# The tasks: stable names, row ids as arguments, each a thin call into the functions above.


@shared_task(name=SEND_EMAIL_TASK, bind=True, acks_late=True, max_retries=MAX_ATTEMPTS)
def send_email(self, email_id: int) -> None:
    # The row counts attempts, so a task queued twice cannot try more often than MAX_ATTEMPTS;
    # max_retries is only a fuse.
    retry_in = email_send(email_id=email_id)
    if retry_in is None:
        return
    if self.request.is_eager:
        # In-process mode runs inside a web request, which must not wait through several SMTP
        # timeouts: the row stays queued with its next attempt time for the periodic re-queue.
        return
    raise self.retry(countdown=retry_in.total_seconds())


@shared_task(name=SEND_WRITTEN_TASK, acks_late=True)
def send_written_emails() -> int:
    return written_emails_send(now=timezone.now())
