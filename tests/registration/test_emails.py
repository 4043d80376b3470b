"""Tests of composing emails: what each kind says, in which words, with which headers and .ics."""

import datetime
import zoneinfo
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from django.core import mail as django_mail
from django.utils import timezone

from registration.mail import emails, outbox
from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def winter_meeting():
    """The concept note's meeting: 1 February 2022, 09:00–12:00 in Paris (CET)."""
    return MeetingFactory(
        slug="imrf-100-days",
        starts_at=datetime.datetime(2022, 2, 1, 9, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2022, 2, 1, 12, 0, tzinfo=PARIS),
        registration_deadline=datetime.date(2022, 1, 25),
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
    return outbox.email_queue(registration=registration, kind=kind)


def test_email_message_build_headers_for_deliverability(registration, settings):
    settings.DEFAULT_FROM_EMAIL = "IMRF meeting <noreply@events.example.org>"
    email = _queue(registration)

    message = emails.email_message_build(email=email).message()

    # The meeting's short name in the reader's language, at the configured address.
    assert message["From"] == "IMRF 100 days <noreply@events.example.org>"
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
        assert "Dear Dr Hadžić," in body
        assert "100 Days to the International Migration Review Forum" in body
        assert "Tuesday 1 February 2022, 09:00–12:00 CET" in body
        assert "08:00–11:00 UTC" in body
        # The joining link is no longer a meeting field: it comes with the last reminders (issue 14).
        assert "the joining link will follow by email" in body
        assert "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)" in body
        # The confirmation can reach an address nobody has proven: of the typed text it repeats only the
        # name and organisation; the language asked for, the topic and the group are on the manage page.
        for typed in ("Albanian", "Regular pathways for labour migration", "Western Balkans States"):
            assert typed not in body
        assert manage_url in body
        assert "roviennapolicyandliaison@iom.int" in body
    assert "<" not in text, "the plain text is not HTML"


def test_email_queue_confirmation_without_platform_link_says_it_will_follow(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=MeetingFactory())

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
    assert mimetype == "text/calendar; method=REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert starts == datetime.datetime(2022, 2, 1, 9, 0, tzinfo=PARIS)
    assert starts.tzname() == "CET"
    assert starts.astimezone(datetime.UTC).hour == 8
    # A confirmation's .ics names the platform; the joining link comes with the last reminders (issue 14).
    assert str(event["LOCATION"]) == "Virtual web-conferencing platform"
    assert "the joining link will follow by email" in str(event["DESCRIPTION"])


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


def test_email_build_reminder_kind_needs_a_reminder(registration):
    with pytest.raises(ValueError, match="reminder"):
        emails.email_build(registration=registration, kind=OutgoingEmail.Kind.REMINDER)


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
