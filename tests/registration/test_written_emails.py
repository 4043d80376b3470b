"""Confirmations on a broker: one message per web process and second asks a worker to send them all, none lost."""

import datetime
import smtplib

import pytest
import redis
from celery import current_app
from django.core import mail as django_mail
from django.utils import timezone

from registration import email_change, moderation, services
from registration.mail import outbox, requeue
from registration.models import OutgoingEmail, Registration
from tests.celery_broker import celery_broker
from tests.factories import MeetingFactory, registration_data
from tests.registration.test_outbox import UNREACHABLE_BROKER, _data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_window():
    outbox._announcements.forget()
    yield
    outbox._announcements.forget()


@pytest.fixture
def published(monkeypatch):
    """The messages the web process publishes, recorded instead of sent to the broker."""
    calls = []
    for name in (outbox.SEND_WRITTEN_TASK, outbox.SEND_EMAIL_TASK):
        task = current_app.tasks[name]
        monkeypatch.setattr(
            task, "apply_async", lambda args=None, task_name=name, **options: calls.append((task_name, args, options))
        )
    return calls


def _register(meeting, email, capture):
    with capture(execute=True):
        return services.registration_create(meeting=meeting, data=_data(meeting, email=email))


def test_three_registrations_in_one_second_publish_one_message_whose_task_sends_each_once(
    meeting, published, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE_BROKER):
        for number in range(3):
            _register(meeting, f"p{number}@mup.example.rs", django_capture_on_commit_callbacks)

    assert published == [(outbox.SEND_WRITTEN_TASK, None, {"countdown": 2.0})]
    assert django_mail.outbox == []

    tried = outbox.written_emails_send(now=timezone.now())
    tried_again = outbox.written_emails_send(now=timezone.now())

    assert (tried, tried_again) == (3, 0)
    assert sorted(message.to[0] for message in django_mail.outbox) == [f"p{n}@mup.example.rs" for n in range(3)]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}


def test_a_registration_after_the_window_asks_again(meeting, published, django_capture_on_commit_callbacks):
    with celery_broker(UNREACHABLE_BROKER):
        _register(meeting, "first@mup.example.rs", django_capture_on_commit_callbacks)
        outbox._announcements.last -= outbox.ANNOUNCE_WINDOW.total_seconds()
        _register(meeting, "second@mup.example.rs", django_capture_on_commit_callbacks)

    assert [name for name, _args, _options in published] == [outbox.SEND_WRITTEN_TASK] * 2


def test_broker_down_keeps_the_registration_and_the_next_one_asks_again(
    meeting, monkeypatch, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE_BROKER):
        result = _register(meeting, "first@mup.example.rs", django_capture_on_commit_callbacks)

    # Nothing published: the next registration in the same second still asks.
    assert outbox._announcements.due()
    assert Registration.objects.get() == result.registration
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.QUEUED

    later = timezone.now() + outbox.REQUEUE_QUEUED_AFTER + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        requeue.email_requeue_stale(now=later)
    assert [message.to[0] for message in django_mail.outbox] == ["first@mup.example.rs"]


def test_a_row_another_task_is_sending_and_a_row_not_yet_due_are_left_alone(
    meeting, published, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE_BROKER):
        _register(meeting, "busy@mup.example.rs", django_capture_on_commit_callbacks)
        _register(meeting, "later@mup.example.rs", django_capture_on_commit_callbacks)
    OutgoingEmail.objects.filter(to_email="busy@mup.example.rs").update(status=OutgoingEmail.Status.SENDING)
    OutgoingEmail.objects.filter(to_email="later@mup.example.rs").update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert outbox.written_emails_send(now=timezone.now()) == 0
    assert django_mail.outbox == []


def test_a_transient_smtp_error_is_retried_by_a_task_of_its_own(
    meeting,
    published,
    smtp_failures,
    django_capture_on_commit_callbacks,
):
    smtp_failures.append(smtplib.SMTPServerDisconnected("gone"))
    with celery_broker(UNREACHABLE_BROKER):
        _register(meeting, "p@mup.example.rs", django_capture_on_commit_callbacks)

    outbox.written_emails_send(now=timezone.now())

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert published[-1][:2] == (outbox.SEND_EMAIL_TASK, [email.pk])
    assert published[-1][2]["countdown"] == outbox.RETRY_FIRST_DELAY.total_seconds()
    # Rendered now, so the batch leaves it to its retry.
    assert outbox.written_emails_send(now=timezone.now() + datetime.timedelta(hours=1)) == 0


@pytest.mark.redis
def test_three_registrations_on_redis_cost_one_round_trip_each_and_one_publish(
    client,
    meeting,
    register_url,
    form_data,
    redis_url,
    redis_cache,
    redis_round_trips,
    django_capture_on_commit_callbacks,
):
    def register(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(register_url, {**form_data, "email": email})

    queue = f"written-emails-test-{meeting.pk}"
    with celery_broker(redis_url, queue=queue):
        # The first registration opens the connections and declares the queue, once per process.
        register("warm@mup.example.rs")
        outbox._announcements.forget()
        redis_round_trips.clear()

        responses = [register(f"p{n}@mup.example.rs") for n in range(3)]
        round_trips = len(redis_round_trips)

        broker = redis.Redis.from_url(redis_url)
        published = broker.llen(queue)
        broker.delete(queue)

    assert [response.status_code for response in responses] == [302] * 3
    # Three throttle counts and one message for the window, where one publish per registration made six.
    assert round_trips == 4
    assert published == 2  # the warm-up's window and this one
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CONFIRMATION, status="queued").count() == 4


# Attacks on the confirmations the window's task sends.


def _register_on_a_broker(meeting, email, capture, monkeypatch):
    task = outbox.send_written_emails
    monkeypatch.setattr(task, "apply_async", lambda *args, **kwargs: None)
    with celery_broker(UNREACHABLE_BROKER), capture(execute=True):
        return services.registration_create(
            meeting=meeting, data=registration_data(meeting, email=email, gender=None), language="en"
        ).registration


def test_two_window_tasks_at_once_send_each_confirmation_once(meeting, monkeypatch, django_capture_on_commit_callbacks):
    for number in range(3):
        _register_on_a_broker(meeting, f"p{number}@example.hr", django_capture_on_commit_callbacks, monkeypatch)

    now = timezone.now()
    tried = [outbox.written_emails_send(now=now), outbox.written_emails_send(now=now)]

    assert tried == [3, 0]
    assert sorted(message.to[0] for message in django_mail.outbox) == [f"p{n}@example.hr" for n in range(3)]


def test_a_registration_erased_before_the_window_task_gets_no_confirmation(
    meeting, monkeypatch, django_capture_on_commit_callbacks
):
    registration = _register_on_a_broker(meeting, "gone@example.hr", django_capture_on_commit_callbacks, monkeypatch)
    services.registration_erase(registration=registration)
    django_mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    assert [message.to for message in django_mail.outbox if "gone@example.hr" in message.to] == []


def test_a_pending_registration_declined_before_the_window_task_is_not_told_it_is_confirmed(
    monkeypatch, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(requires_approval=True)
    registration = _register_on_a_broker(
        meeting, "declined@example.hr", django_capture_on_commit_callbacks, monkeypatch
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.registration_decline(registration=registration)
    django_mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    confirmation = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    assert [message.subject for message in django_mail.outbox if "confirmed" in message.subject] == []
    assert confirmation.status == OutgoingEmail.Status.SKIPPED


def test_a_confirmation_rendered_after_the_organisers_changed_the_address_goes_to_the_new_one(
    meeting, monkeypatch, django_capture_on_commit_callbacks
):
    registration = _register_on_a_broker(meeting, "typo@example.hr", django_capture_on_commit_callbacks, monkeypatch)
    data = registration_data(
        meeting, email="right@example.hr", gender=None, listening_language=registration.listening_language
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_organiser_update(registration=registration, data=data)
        # The organisers' new address counts once its owner confirms it (issue 19, point 2).
        email_change.email_change_confirm(change=registration.email_changes.get())
    django_mail.outbox.clear()

    outbox.written_emails_send(now=timezone.now())

    registration.refresh_from_db()
    confirmation = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    assert [message.to for message in django_mail.outbox] == [["right@example.hr"]]
    assert registration.manage_token in django_mail.outbox[0].body
    assert confirmation.to_email == "right@example.hr"
