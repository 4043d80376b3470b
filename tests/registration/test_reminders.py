"""Tests of meeting reminders: defaults, when they are due, who gets them, and that each goes at most once."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration.mail import emails, reminders
from registration.models import OutgoingEmail, Registration, Reminder
from registration.tasks import send_due_reminders
from tests.factories import JoiningDetailsFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def meeting():
    meeting = MeetingFactory()
    JoiningDetailsFactory(meeting=meeting, participants_url="https://meet.example.org/j/100days")
    return meeting


def _week_before(meeting):
    return meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=7)


def _day_before(meeting):
    return meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=1)


def _starting_soon(meeting):
    return meeting.reminders.get(kind=Reminder.Kind.STARTING_SOON)


def _send_due(now, capture):
    with capture(execute=True):
        return reminders.reminder_send_due(now=now)


def _recipients():
    return sorted(address for message in django_mail.outbox for address in message.to)


def test_reminder_create_defaults_on_new_meeting(meeting):
    week, day, soon = _week_before(meeting), _day_before(meeting), _starting_soon(meeting)

    starts = timezone.localtime(meeting.starts_at, PARIS)
    assert meeting.reminders.count() == 3
    assert week.send_at == datetime.datetime.combine(
        starts.date() - datetime.timedelta(days=7), datetime.time(9, 0), tzinfo=PARIS
    )
    assert day.send_at == datetime.datetime.combine(
        starts.date() - datetime.timedelta(days=1), datetime.time(9, 0), tzinfo=PARIS
    )
    assert soon.send_at == meeting.starts_at - datetime.timedelta(minutes=60)
    assert week.body.startswith("{greeting}")


def test_reminder_create_defaults_twice_adds_nothing(meeting):
    created = reminders.reminder_create_defaults(meeting=meeting)

    assert created == []
    assert meeting.reminders.count() == 3


def test_reminder_send_at_follows_a_change_of_the_meeting_date(meeting):
    week = _week_before(meeting)
    before = week.send_at

    meeting.starts_at += datetime.timedelta(days=14)
    meeting.ends_at += datetime.timedelta(days=14)
    meeting.save()

    week = Reminder.objects.get(pk=week.pk)
    assert week.send_at == before + datetime.timedelta(days=14)


def test_reminder_send_due_sends_to_each_active_registrant(meeting, django_capture_on_commit_callbacks):
    active = RegistrationFactory.create_batch(2, meeting=meeting)
    RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED)
    RegistrationFactory(meeting=meeting, status=Registration.Status.PENDING)
    week = _week_before(meeting)

    queued = _send_due(week.send_at + MINUTE, django_capture_on_commit_callbacks)

    assert queued == 2
    assert _recipients() == sorted(registration.email for registration in active)
    assert set(OutgoingEmail.objects.values_list("reminder", "status")) == {(week.pk, OutgoingEmail.Status.SENT)}
    message = django_mail.outbox[0]
    registration = next(r for r in active if r.email == message.to[0])
    assert message.subject == "[IMRF 100 days] The meeting is in one week"
    assert f"Dear {registration.first_name} {registration.last_name}," in message.body
    # A week before, the joining details are not shown yet (three days before by default).
    assert "https://meet.example.org/j/100days" not in message.body
    assert "the joining link will follow by email" in message.body
    assert registration.manage_token in message.body
    assert "UTC" in message.body


def test_reminder_send_due_before_its_time_sends_nothing(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting)

    queued = _send_due(_week_before(meeting).send_at - MINUTE, django_capture_on_commit_callbacks)

    assert queued == 0
    assert not OutgoingEmail.objects.exists()
    assert django_mail.outbox == []


def test_reminder_send_due_run_twice_sends_once(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(3, meeting=meeting)
    now = _week_before(meeting).send_at + MINUTE

    first = _send_due(now, django_capture_on_commit_callbacks)
    second = _send_due(now + MINUTE, django_capture_on_commit_callbacks)

    assert (first, second) == (3, 0)
    assert len(django_mail.outbox) == 3
    assert OutgoingEmail.objects.count() == 3


def test_reminder_send_due_cancelled_registrant_gets_none(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED, cancelled_at=timezone.now())

    queued = _send_due(_starting_soon(meeting).send_at + MINUTE, django_capture_on_commit_callbacks)

    assert queued == 0
    assert django_mail.outbox == []


def test_reminder_send_due_late_registrant_gets_no_stale_reminder(meeting, django_capture_on_commit_callbacks):
    week = _week_before(meeting)
    early = RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, created_at=week.send_at + datetime.timedelta(hours=1))

    queued = _send_due(week.send_at + datetime.timedelta(hours=2), django_capture_on_commit_callbacks)

    assert queued == 1
    assert _recipients() == [early.email]


def test_reminder_send_due_late_registrant_still_gets_starting_soon(meeting, django_capture_on_commit_callbacks):
    soon = _starting_soon(meeting)
    late = RegistrationFactory(meeting=meeting, created_at=soon.send_at - datetime.timedelta(hours=3))

    _send_due(soon.send_at + MINUTE, django_capture_on_commit_callbacks)

    assert list(late.emails.values_list("reminder", flat=True)) == [soon.pk]
    assert _recipients() == [late.email]
    assert django_mail.outbox[0].subject == "[IMRF 100 days] The meeting starts in one hour"


def test_reminder_send_due_overtaken_reminder_is_not_sent_late(meeting, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=meeting)
    day = _day_before(meeting)

    _send_due(day.send_at + MINUTE, django_capture_on_commit_callbacks)

    assert list(registration.emails.values_list("reminder", flat=True)) == [day.pk]
    assert len(django_mail.outbox) == 1


def test_reminder_send_due_after_the_start_sends_nothing(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting)

    queued = _send_due(meeting.starts_at + MINUTE, django_capture_on_commit_callbacks)

    assert queued == 0
    assert django_mail.outbox == []


def test_reminder_send_due_registrant_cancelling_before_the_send_is_skipped(
    meeting, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(meeting=meeting)
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.reminder_send_due(now=_week_before(meeting).send_at + MINUTE)
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)

    for callback in callbacks:
        callback()

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SKIPPED
    assert django_mail.outbox == []


def test_reminder_batch_queue_queues_only_the_rows_it_wrote(meeting, django_capture_on_commit_callbacks):
    week = _week_before(meeting)
    taken, free = RegistrationFactory.create_batch(2, meeting=meeting)
    # Another worker running the same batch wrote this row first; its own task sends it.
    with django_capture_on_commit_callbacks():
        reminders.reminder_batch_queue(reminder=week, registrations=[taken])

    with django_capture_on_commit_callbacks(execute=True):
        queued = reminders.reminder_batch_queue(reminder=week, registrations=[taken, free])

    assert queued == 1
    assert OutgoingEmail.objects.filter(reminder=week).count() == 2
    assert _recipients() == [free.email]
    assert OutgoingEmail.objects.get(registration=taken).status == OutgoingEmail.Status.QUEUED


def _queries_for_reminder(meeting, registrants):
    RegistrationFactory.create_batch(registrants, meeting=meeting)
    week = _week_before(meeting)
    with CaptureQueriesContext(connection) as queries:
        queued = reminders.reminder_send(reminder=week, batch_size=100)
    assert queued == registrants
    return len(queries)


def test_reminder_send_queries_do_not_grow_with_registrants(django_capture_on_commit_callbacks):
    few = _queries_for_reminder(MeetingFactory(), 3)
    many = _queries_for_reminder(MeetingFactory(), 60)

    assert few == many


def test_reminder_text_fill_replaces_known_placeholders_only():
    values = {"first_name": "Amina"}

    filled = emails.reminder_text_fill(text="Dear {first_name}, {unknown} {first_name.__class__} {0}", values=values)

    assert filled == "Dear Amina, {unknown} {first_name.__class__} {0}"


def test_reminder_subject_with_a_line_break_in_a_name_stays_one_line(meeting, django_capture_on_commit_callbacks):
    # (A name holding an address is left out altogether: see the lure test below.)
    RegistrationFactory(meeting=meeting, first_name="Amina\r\nX-Priority: 1")
    soon = _starting_soon(meeting)
    soon.subject = "{first_name}, we start soon"
    soon.save()

    _send_due(soon.send_at + MINUTE, django_capture_on_commit_callbacks)

    (message,) = django_mail.outbox
    assert message.subject == "[IMRF 100 days] Amina X-Priority: 1, we start soon"
    assert message.message()["X-Priority"] is None
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_reminder_edited_body_is_escaped_in_html(meeting, django_capture_on_commit_callbacks):
    RegistrationFactory(meeting=meeting, first_name="<b>Amina</b>")
    soon = _starting_soon(meeting)
    soon.body = "Dear {first_name},\n\nBring <your> questions."
    soon.save()

    _send_due(soon.send_at + MINUTE, django_capture_on_commit_callbacks)

    (message,) = django_mail.outbox
    html = message.alternatives[0][0]
    assert "Dear <b>Amina</b>," in message.body
    assert "&lt;b&gt;Amina&lt;/b&gt;" in html
    assert "Bring &lt;your&gt; questions." in html


def test_send_due_reminders_task_then_command_sends_once(django_capture_on_commit_callbacks):
    starts = timezone.now() + datetime.timedelta(minutes=30)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    registration = RegistrationFactory(meeting=meeting)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        from_task = send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=out)

    assert from_task == 1
    assert "reminders: 0" in out.getvalue()
    assert _recipients() == [registration.email]


def test_reminder_names_no_one_whose_typed_name_holds_a_link(meeting, django_capture_on_commit_callbacks):
    """Review as an attacker (issue 19): the public form registers a victim's address under a lure for a name;
    every reminder then carried it in {first_name} and {full_name}, subject included, from our domain."""
    RegistrationFactory(
        meeting=meeting, email="victim@example.org", first_name="URGENT: claim your grant at https://evil.example"
    )
    soon = _starting_soon(meeting)
    soon.subject = "{first_name}, we start soon"
    soon.body = "Dear {full_name} ({last_name}),\n\nWe start soon."
    soon.save()

    _send_due(soon.send_at + MINUTE, django_capture_on_commit_callbacks)

    (message,) = django_mail.outbox
    text = "\n".join([message.subject, message.body, message.alternatives[0][0]])
    assert "evil" not in text and "URGENT" not in text
    assert "We start soon." in message.body
