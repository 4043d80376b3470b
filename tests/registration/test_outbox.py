"""Tests of the outbox: queueing after commit, sending once, retries, re-queueing what was lost, organisers' actions."""

import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from registration import on_behalf, services
from registration.mail import outbox, requeue
from registration.mail.outbox import send_email
from registration.models import OutgoingEmail, Registration
from registration.tasks import requeue_stale_emails
from tests.celery_broker import celery_broker
from tests.factories import RegistrationFactory, registration_data

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of the loopback: connecting is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _data(meeting, **overrides):
    return registration_data(meeting, **overrides)


@pytest.fixture
def registration():
    return RegistrationFactory()


def _queue(registration, kind=OutgoingEmail.Kind.CONFIRMATION):
    """Queue an email in a committed transaction and run what happens after the commit."""
    return outbox.email_queue(registration=registration, kind=kind)


def test_email_queue_sends_confirmation_only_after_commit(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.registration_create(meeting=meeting, data=_data(meeting))
        sent_before_commit = len(django_mail.outbox)
    for callback in callbacks:
        callback()

    email = OutgoingEmail.objects.get()
    assert sent_before_commit == 0
    assert email.kind == OutgoingEmail.Kind.CONFIRMATION
    assert email.status == OutgoingEmail.Status.SENT
    assert email.registration == result.registration
    assert [message.to for message in django_mail.outbox] == [["djordje@mup.example.rs"]]


def test_email_queue_rolled_back_sends_nothing_and_keeps_no_row(meeting, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.registration_create(meeting=meeting, data=_data(meeting))
        raise RuntimeError("something later in the request failed")

    assert callbacks == []
    assert not Registration.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert django_mail.outbox == []


def test_email_send_row_in_flight_elsewhere_is_left_alone(registration):
    email = _queue(registration)
    email.mark_sending()

    outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING
    assert django_mail.outbox == []


def test_email_send_missing_row_does_nothing():
    assert outbox.email_send(email_id=987654) is None

    assert django_mail.outbox == []


def _retry_due(email):
    """Run the periodic re-queue at the moment it picks up `email` for its next attempt."""
    email.refresh_from_db()
    due = email.next_attempt_at + outbox.REQUEUE_QUEUED_AFTER + datetime.timedelta(seconds=1)
    return requeue.email_requeue_stale(now=due)


def test_send_email_transient_error_is_retried_then_sent(
    registration, smtp_failures, django_capture_on_commit_callbacks
):
    smtp_failures.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(registration)
    email.refresh_from_db()
    after_first_try = (email.status, email.attempts, len(django_mail.outbox))

    with django_capture_on_commit_callbacks(execute=True):
        _retry_due(email)

    email.refresh_from_db()
    assert after_first_try == (OutgoingEmail.Status.QUEUED, 1, 0)
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 2
    assert len(django_mail.outbox) == 1


def test_email_send_transient_error_leaves_row_queued_with_backoff(registration, smtp_failures):
    smtp_failures.append(smtplib.SMTPResponseException(451, b"4.7.1 Greylisted, try again later"))
    email = _queue(registration)
    before = timezone.now()

    retry_in = outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert retry_in == outbox.RETRY_FIRST_DELAY
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.next_attempt_at >= before + outbox.RETRY_FIRST_DELAY
    assert "451" in email.last_error


def test_send_email_failing_on_every_try_is_marked_failed_with_the_error(
    registration, smtp_failures, django_capture_on_commit_callbacks
):
    smtp_failures.extend(ConnectionRefusedError(111, "Connection refused") for _ in range(outbox.MAX_ATTEMPTS + 2))
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(registration)

    for _ in range(outbox.MAX_ATTEMPTS + 1):
        with django_capture_on_commit_callbacks(execute=True):
            _retry_due(email)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert "Connection refused" in email.last_error
    assert len(smtp_failures) == 2, "no try beyond MAX_ATTEMPTS"
    assert django_mail.outbox == []


def test_email_retry_delay_grows_and_is_bounded():
    delays = [outbox.email_retry_delay(attempts=attempts) for attempts in range(1, 10)]

    assert delays[:5] == [datetime.timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16)]
    assert max(delays) == outbox.RETRY_MAX_DELAY


def test_send_email_recipient_refused_fails_at_once(registration, smtp_failures):
    smtp_failures.append(smtplib.SMTPRecipientsRefused({registration.email: (550, b"5.1.1 No such user")}))
    email = _queue(registration)

    send_email.delay(email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == 1
    assert "No such user" in email.last_error


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (smtplib.SMTPResponseException(452, b"mailbox full"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPSenderRefused(550, b"not allowed", "noreply@example.org"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"try later")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), False),
        (TimeoutError("timed out"), True),
        (ConnectionResetError(104, "reset"), True),
        (ValueError("a bug"), False),
    ],
)
def test_smtp_error_is_transient(exc, transient):
    assert outbox.smtp_error_is_transient(exc) is transient


def test_email_dispatch_broker_down_keeps_row_queued_then_requeue_sends_it_once(
    meeting, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        result = services.registration_create(meeting=meeting, data=_data(meeting))

    email = OutgoingEmail.objects.get()
    assert Registration.objects.get() == result.registration
    assert email.status == OutgoingEmail.Status.QUEUED
    assert django_mail.outbox == []

    later = timezone.now() + outbox.REQUEUE_QUEUED_AFTER + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = requeue.email_requeue_stale(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        requeued_again = requeue.email_requeue_stale(now=later + datetime.timedelta(hours=1))

    email.refresh_from_db()
    assert requeued == 1
    assert requeued_again == 0
    assert email.status == OutgoingEmail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_email_requeue_stale_leaves_fresh_queued_rows_to_their_task(registration, django_capture_on_commit_callbacks):
    email = _queue(registration)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = requeue.email_requeue_stale(now=timezone.now())

    email.refresh_from_db()
    assert requeued == 0
    assert email.status == OutgoingEmail.Status.QUEUED


def test_email_requeue_stale_sends_a_row_whose_worker_died_while_sending(
    registration, django_capture_on_commit_callbacks
):
    email = _queue(registration)
    email.mark_sending()
    died_at = email.sending_started_at

    with django_capture_on_commit_callbacks(execute=True):
        requeue_stale_emails.delay()  # too early: the worker may still be talking to the server
    with django_capture_on_commit_callbacks(execute=True):
        requeue.email_requeue_stale(now=died_at + outbox.REQUEUE_SENDING_AFTER + datetime.timedelta(seconds=1))

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 2
    assert len(django_mail.outbox) == 1


def test_email_requeue_stale_gives_up_on_a_row_that_kills_every_worker(registration):
    email = _queue(registration)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING, attempts=outbox.MAX_ATTEMPTS, sending_started_at=timezone.now()
    )

    requeue.email_requeue_stale(now=timezone.now() + outbox.REQUEUE_SENDING_AFTER + datetime.timedelta(seconds=1))

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "stopped while sending" in email.last_error


def test_email_retry_failed_sends_failed_rows_again(registration, django_capture_on_commit_callbacks):
    failed = _queue(registration)
    failed.attempts = outbox.MAX_ATTEMPTS
    failed.mark_failed(error="SMTPServerDisconnected: gone")
    sent = _queue(registration, kind=OutgoingEmail.Kind.CHANGE)
    sent.mark_sent(message_id=sent.message_id)

    with django_capture_on_commit_callbacks(execute=True):
        retried = requeue.email_retry_failed(emails=OutgoingEmail.objects.select_related("registration"))

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert retried == 1
    assert failed.status == OutgoingEmail.Status.SENT
    assert failed.attempts == 1
    assert sent.status == OutgoingEmail.Status.SENT
    assert [message.subject for message in django_mail.outbox] == ["[IMRF 100 days] Your registration is confirmed"]


def test_registration_link_resend_sends_a_new_confirmation(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(registration)
    with django_capture_on_commit_callbacks(execute=True):
        second = on_behalf.registration_link_resend(registration=registration, actor=None)

    second.refresh_from_db()
    assert second.pk != first.pk
    assert second.status == OutgoingEmail.Status.SENT
    assert second.message_id != first.message_id
    assert len(django_mail.outbox) == 2
    assert len(django_mail.outbox[1].attachments) == 1


def test_email_send_skips_anything_for_an_anonymised_registration(registration):
    email = _queue(registration)
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())

    outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SKIPPED
    assert django_mail.outbox == []
