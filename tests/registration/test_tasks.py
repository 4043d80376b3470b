"""Tests of the Celery tasks as an interface: stable names, row ids as arguments, a gone row logged, eager runs."""

import datetime
import logging

import pytest
from celery import current_app
from django.core import mail as django_mail
from django.utils import timezone

from registration import tasks
from registration.mail import outbox
from registration.models import OutgoingEmail
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("registration.send_email", outbox.send_email),
        ("registration.send_due_reminders", tasks.send_due_reminders),
        ("registration.requeue_stale_emails", tasks.requeue_stale_emails),
        ("registration.remove_personal_data", tasks.remove_personal_data),
    ],
)
def test_tasks_are_registered_under_the_names_beat_and_the_outbox_use(name, task):
    registered = current_app.tasks[name]

    # shared_task hands out a proxy to the task of the current app.
    assert registered is task._get_current_object()
    assert registered.acks_late is True


def test_tasks_beat_schedule_names_only_registered_tasks():
    scheduled = {entry["task"] for entry in current_app.conf.beat_schedule.values()}

    assert scheduled <= set(current_app.tasks)


def test_send_email_public_form_sends_the_confirmation_in_process_without_a_broker(
    client, meeting, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", form_data)

    email = OutgoingEmail.objects.get()
    assert response.status_code == 302
    assert email.status == OutgoingEmail.Status.SENT
    assert [message.to for message in django_mail.outbox] == [[form_data["email"]]]


def test_send_email_takes_the_row_id_and_sends_that_row(django_capture_on_commit_callbacks):
    first, second = RegistrationFactory(), RegistrationFactory()
    emails = [outbox.email_queue(registration=r, kind=OutgoingEmail.Kind.CONFIRMATION) for r in (first, second)]

    outbox.send_email.apply(args=[emails[1].pk])

    assert [message.to for message in django_mail.outbox] == [[second.email]]
    assert OutgoingEmail.objects.get(pk=emails[0].pk).status == OutgoingEmail.Status.QUEUED


def test_send_email_queued_twice_sends_once(django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    outbox.send_email.delay(email.pk)
    outbox.send_email.delay(email.pk)

    email.refresh_from_db()
    assert len(django_mail.outbox) == 1
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1


def test_send_email_row_gone_is_logged_and_the_task_returns(caplog):
    registration = RegistrationFactory()
    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    registration.delete()

    with caplog.at_level(logging.WARNING, logger="registration.mail.outbox"):
        result = outbox.send_email.apply(args=[email.pk])

    assert result.successful()
    assert result.result is None
    assert f"email {email.pk} is gone" in caplog.text
    assert django_mail.outbox == []


def test_send_email_on_a_worker_retries_with_the_delay_the_outbox_returns(monkeypatch):
    retries = []
    monkeypatch.setattr(outbox, "email_send", lambda *, email_id: datetime.timedelta(minutes=4))
    monkeypatch.setattr(outbox.send_email, "retry", lambda **kwargs: retries.append(kwargs) or RuntimeError("retry"))
    outbox.send_email.push_request(is_eager=False, retries=0)

    try:
        with pytest.raises(RuntimeError, match="retry"):
            outbox.send_email.run(1)
    finally:
        outbox.send_email.pop_request()

    assert retries == [{"countdown": 240.0}]


def test_send_email_eager_run_does_not_retry_inside_the_request(monkeypatch):
    monkeypatch.setattr(outbox, "email_send", lambda *, email_id: datetime.timedelta(minutes=4))
    monkeypatch.setattr(outbox.send_email, "retry", lambda **kwargs: pytest.fail("retried inside a web request"))

    result = outbox.send_email.apply(args=[1])

    assert result.successful()


def test_requeue_stale_emails_sends_a_row_whose_task_was_lost(django_capture_on_commit_callbacks):
    email = outbox.email_queue(registration=RegistrationFactory(), kind=OutgoingEmail.Kind.CONFIRMATION)
    lost_at = timezone.now() - outbox.REQUEUE_QUEUED_AFTER - datetime.timedelta(minutes=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=lost_at)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = tasks.requeue_stale_emails.apply().result

    email.refresh_from_db()
    assert requeued == 1
    assert email.status == OutgoingEmail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_send_due_reminders_with_nothing_due_queues_nothing():
    RegistrationFactory()

    queued = tasks.send_due_reminders.apply().result

    assert queued == 0
    assert not OutgoingEmail.objects.exists()
