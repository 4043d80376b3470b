"""Tests of outgoing email: after-commit queueing, sending once, retries, content, headers and the .ics."""

import datetime
import smtplib
import zoneinfo
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from registration import mail, services
from registration.models import OutgoingEmail, Registration
from registration.tasks import requeue_stale_emails, send_email
from tests.celery_broker import celery_broker
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Nothing listens on port 1 of the loopback: connecting is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _data(meeting, **overrides):
    return {
        "first_name": "Ђорђе",
        "last_name": "Đoković",
        "email": "djordje@mup.example.rs",
        "job_title": "Senior Adviser",
        "organisation": "Ministarstvo unutrašnjih poslova",
        "category": Registration.Category.MEMBER_STATE,
        "country": "RS",
        "imrf_attendance_level": Registration.AttendanceLevel.MINISTER,
        "listening_language": meeting.interpretation_languages.get(code="bcms"),
        "gender": Registration.Gender.MAN,
        **overrides,
    }


@pytest.fixture
def winter_meeting():
    """The concept note's meeting: 1 February 2022, 09:00–12:00 in Paris (CET)."""
    return MeetingFactory(
        slug="imrf-100-days",
        starts_at=datetime.datetime(2022, 2, 1, 9, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2022, 2, 1, 12, 0, tzinfo=PARIS),
        registration_deadline=datetime.date(2022, 1, 25),
        platform_url="https://meet.example.org/j/100days",
    )


@pytest.fixture
def registration(winter_meeting):
    return RegistrationFactory(
        meeting=winter_meeting,
        honorific="Dr",
        first_name="Amina",
        last_name="Hadžić",
        listening_language=winter_meeting.interpretation_languages.get(code="bcms"),
        other_language="Albanian",
        other_language_reason="Our delegation works in Albanian.",
        wishes_to_speak=True,
        intervention_topic="Regular pathways for labour migration",
        intervention_coordination=Registration.Coordination.GROUP,
        intervention_group="Western Balkans States",
    )


def _queue(registration, kind=OutgoingEmail.Kind.CONFIRMATION):
    """Queue an email in a committed transaction and run what happens after the commit."""
    return mail.email_queue(registration=registration, kind=kind)


@pytest.fixture
def smtp_failures(monkeypatch):
    """Make the next sends raise the given exceptions, one per send, then deliver."""
    pending = []
    deliver = EmailBackend.send_messages

    def send_messages(backend, messages):
        if pending:
            raise pending.pop(0)
        return deliver(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return pending


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


def test_send_email_queued_twice_sends_once(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(registration)

    send_email.delay(email.pk)
    send_email.delay(email.pk)

    email.refresh_from_db()
    assert len(django_mail.outbox) == 1
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1


def test_email_send_row_in_flight_elsewhere_is_left_alone(registration):
    email = _queue(registration)
    email.mark_sending()

    mail.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING
    assert django_mail.outbox == []


def test_email_send_missing_row_does_nothing():
    assert mail.email_send(email_id=987654) is None

    assert django_mail.outbox == []


def _retry_due(email):
    """Run the periodic re-queue at the moment it picks up `email` for its next attempt."""
    email.refresh_from_db()
    due = email.next_attempt_at + mail.REQUEUE_QUEUED_AFTER + datetime.timedelta(seconds=1)
    return mail.email_requeue_stale(now=due)


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

    retry_in = mail.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert retry_in == mail.RETRY_FIRST_DELAY
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.next_attempt_at >= before + mail.RETRY_FIRST_DELAY
    assert "451" in email.last_error


def test_send_email_on_a_worker_retries_with_the_backoff_countdown(registration, smtp_failures, monkeypatch):
    smtp_failures.append(ConnectionResetError(104, "Connection reset by peer"))
    email = _queue(registration)
    retries = []
    monkeypatch.setattr(send_email, "retry", lambda **kwargs: retries.append(kwargs) or RuntimeError("retry"))
    send_email.push_request(is_eager=False, retries=0)

    try:
        with pytest.raises(RuntimeError, match="retry"):
            send_email.run(email.pk)
    finally:
        send_email.pop_request()

    assert retries == [{"countdown": mail.RETRY_FIRST_DELAY.total_seconds()}]


def test_send_email_failing_on_every_try_is_marked_failed_with_the_error(
    registration, smtp_failures, django_capture_on_commit_callbacks
):
    smtp_failures.extend(ConnectionRefusedError(111, "Connection refused") for _ in range(mail.MAX_ATTEMPTS + 2))
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(registration)

    for _ in range(mail.MAX_ATTEMPTS + 1):
        with django_capture_on_commit_callbacks(execute=True):
            _retry_due(email)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == mail.MAX_ATTEMPTS
    assert "Connection refused" in email.last_error
    assert len(smtp_failures) == 2, "no try beyond MAX_ATTEMPTS"
    assert django_mail.outbox == []


def test_email_retry_delay_grows_and_is_bounded():
    delays = [mail.email_retry_delay(attempts=attempts) for attempts in range(1, 10)]

    assert delays[:5] == [datetime.timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16)]
    assert max(delays) == mail.RETRY_MAX_DELAY


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
    assert mail.smtp_error_is_transient(exc) is transient


def test_email_message_build_headers_for_deliverability(registration, settings):
    settings.DEFAULT_FROM_EMAIL = "IMRF meeting <noreply@events.example.org>"
    email = _queue(registration)

    message = mail.email_message_build(email=email).message()

    assert message["From"] == "IMRF meeting <noreply@events.example.org>"
    assert message["Reply-To"] == "roviennapolicyandliaison@iom.int"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "[IMRF 100 days] Your registration is confirmed"
    assert message["Message-ID"] == email.message_id
    assert message["Message-ID"].endswith("@events.example.org>")
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.utcoffset() == datetime.timedelta(0)
    assert abs(sent_at - timezone.now()) < datetime.timedelta(minutes=5)


def test_email_queue_confirmation_tells_everything_needed(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration)

    (message,) = django_mail.outbox
    text = message.body
    (html, mimetype) = message.alternatives[0]
    manage_url = f"http://localhost:8000/register/manage/{registration.manage_token}/"
    assert mimetype == "text/html"
    for body in (text, html):
        assert "Dear Dr Amina Hadžić," in body
        assert "100 Days to the International Migration Review Forum" in body
        assert "Tuesday 1 February 2022, 09:00–12:00 CET" in body
        assert "08:00–11:00 UTC" in body
        assert "https://meet.example.org/j/100days" in body
        assert "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)" in body
        assert "Albanian" in body
        assert "Regular pathways for labour migration" in body
        assert "Western Balkans States" in body
        assert manage_url in body
        assert "roviennapolicyandliaison@iom.int" in body
    assert "<" not in text, "the plain text is not HTML"


def test_email_queue_confirmation_without_platform_link_says_it_will_follow(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=MeetingFactory(platform_url=""))

    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration)

    assert "the joining link will follow by email" in django_mail.outbox[0].body


def test_email_queue_confirmation_escapes_what_the_registrant_typed(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(first_name="<script>alert(1)</script>", organisation="Smith & Sons")

    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration)

    (message,) = django_mail.outbox
    html = message.alternatives[0][0]
    assert "<script>alert(1)</script>" in message.body
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Smith &amp; Sons" in html


def test_email_queue_confirmation_ics_parses_and_starts_at_9_in_paris(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration)

    ((filename, content, mimetype),) = django_mail.outbox[0].attachments
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    starts = event.decoded("DTSTART")
    assert filename == "imrf-100-days.ics"
    assert mimetype == "text/calendar"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert starts == datetime.datetime(2022, 2, 1, 9, 0, tzinfo=PARIS)
    assert starts.tzname() == "CET"
    assert starts.astimezone(datetime.UTC).hour == 8
    assert "https://meet.example.org/j/100days" in str(event["LOCATION"])
    assert "https://meet.example.org/j/100days" in str(event["DESCRIPTION"])


def test_email_queue_pending_registration_is_not_told_it_is_confirmed(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(status=Registration.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration)

    (message,) = django_mail.outbox
    assert message.subject.endswith("We have received your registration")
    assert "reviews each registration" in message.body
    assert "Your registration is confirmed" not in message.body


@pytest.mark.parametrize(
    ("kind", "subject", "phrase", "attachments"),
    [
        (OutgoingEmail.Kind.CHANGE, "Your registration has been updated", "has been updated", 1),
        (OutgoingEmail.Kind.CANCELLATION, "Your registration is cancelled", "is cancelled", 0),
        (OutgoingEmail.Kind.MANAGE_LINK, "Your registration link", "nothing new was recorded", 0),
    ],
)
def test_email_queue_other_kinds(registration, django_capture_on_commit_callbacks, kind, subject, phrase, attachments):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration, kind=kind)

    (message,) = django_mail.outbox
    assert message.subject == f"[IMRF 100 days] {subject}"
    assert phrase in message.body
    assert registration.manage_token in message.body
    assert len(message.attachments) == attachments


def test_email_queue_manage_link_reveals_no_registration_details(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration, kind=OutgoingEmail.Kind.MANAGE_LINK)

    body = django_mail.outbox[0].body
    assert "Amina" not in body
    assert "Regular pathways" not in body


def test_email_queue_reminder_kind_needs_a_reminder(registration):
    with pytest.raises(ValueError, match="reminder"):
        mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.REMINDER)


def test_email_dispatch_broker_down_keeps_row_queued_then_requeue_sends_it_once(
    meeting, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        result = services.registration_create(meeting=meeting, data=_data(meeting))

    email = OutgoingEmail.objects.get()
    assert Registration.objects.get() == result.registration
    assert email.status == OutgoingEmail.Status.QUEUED
    assert django_mail.outbox == []

    later = timezone.now() + mail.REQUEUE_QUEUED_AFTER + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = mail.email_requeue_stale(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        requeued_again = mail.email_requeue_stale(now=later + datetime.timedelta(hours=1))

    email.refresh_from_db()
    assert requeued == 1
    assert requeued_again == 0
    assert email.status == OutgoingEmail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_email_requeue_stale_leaves_fresh_queued_rows_to_their_task(registration, django_capture_on_commit_callbacks):
    email = _queue(registration)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = mail.email_requeue_stale(now=timezone.now())

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
        mail.email_requeue_stale(now=died_at + mail.REQUEUE_SENDING_AFTER + datetime.timedelta(seconds=1))

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 2
    assert len(django_mail.outbox) == 1


def test_email_requeue_stale_gives_up_on_a_row_that_kills_every_worker(registration):
    email = _queue(registration)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING, attempts=mail.MAX_ATTEMPTS, sending_started_at=timezone.now()
    )

    mail.email_requeue_stale(now=timezone.now() + mail.REQUEUE_SENDING_AFTER + datetime.timedelta(seconds=1))

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "stopped while sending" in email.last_error


def test_email_retry_failed_sends_failed_rows_again(registration, django_capture_on_commit_callbacks):
    failed = _queue(registration)
    failed.attempts = mail.MAX_ATTEMPTS
    failed.mark_failed(error="SMTPServerDisconnected: gone")
    sent = _queue(registration, kind=OutgoingEmail.Kind.CHANGE)
    sent.mark_sent(message_id=sent.message_id)

    with django_capture_on_commit_callbacks(execute=True):
        retried = mail.email_retry_failed(emails=OutgoingEmail.objects.select_related("registration"))

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert retried == 1
    assert failed.status == OutgoingEmail.Status.SENT
    assert failed.attempts == 1
    assert sent.status == OutgoingEmail.Status.SENT
    assert [message.subject for message in django_mail.outbox] == ["[IMRF 100 days] Your registration is confirmed"]


def test_email_resend_confirmation_sends_a_new_confirmation(registration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(registration)
    with django_capture_on_commit_callbacks(execute=True):
        second = mail.email_resend_confirmation(registration=registration)

    second.refresh_from_db()
    assert second.pk != first.pk
    assert second.status == OutgoingEmail.Status.SENT
    assert second.message_id != first.message_id
    assert len(django_mail.outbox) == 2
    assert len(django_mail.outbox[1].attachments) == 1


def test_email_send_skips_anything_for_an_anonymised_registration(registration):
    email = _queue(registration)
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())

    mail.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SKIPPED
    assert django_mail.outbox == []


@pytest.mark.parametrize(
    ("status", "subject", "phrase", "attachments"),
    [
        (Registration.Status.ACTIVE, "Your registration is confirmed", "has confirmed your registration", 1),
        (Registration.Status.DECLINED, "About your registration", "cannot confirm your registration", 0),
    ],
)
def test_email_queue_decision(django_capture_on_commit_callbacks, status, subject, phrase, attachments):
    registration = RegistrationFactory(status=status)

    with django_capture_on_commit_callbacks(execute=True):
        _queue(registration, kind=OutgoingEmail.Kind.DECISION)

    (message,) = django_mail.outbox
    assert message.subject == f"[IMRF 100 days] {subject}"
    assert phrase in message.body
    assert len(message.attachments) == attachments
