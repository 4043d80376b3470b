"""The confirmation is written as a row by the request and rendered by the worker that sends it."""

import smtplib

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from registration.mail import outbox
from registration.models import OutgoingEmail, Registration
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

TRUSTED_PERMISSIONS = ["registration.view_diversity_answers"]


def _register_in(language, register_url, form_data):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(register_url, form_data)


def test_register_post_writes_the_confirmation_row_without_rendering_it(
    meeting, register_url, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _register_in("ru", register_url, form_data)

    email = OutgoingEmail.objects.get()
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert (email.kind, email.status, email.to_email) == (
        OutgoingEmail.Kind.CONFIRMATION,
        OutgoingEmail.Status.QUEUED,
        form_data["email"],
    )
    assert (email.subject, email.body_text, email.body_html) == ("", "", "")
    assert email.attach_calendar
    assert django_mail.outbox == []


def test_email_send_renders_the_confirmation_in_the_registrations_language_and_keeps_it(
    meeting, register_url, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _register_in("ru", register_url, form_data)
    email = OutgoingEmail.objects.get()

    outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    message = django_mail.outbox[0]
    assert email.status == OutgoingEmail.Status.SENT
    assert "Ваша регистрация подтверждена" in email.subject
    assert "Благодарим вас за регистрацию" in email.body_text
    assert '<html lang="ru">' in email.body_html
    assert (message.subject, message.body) == (email.subject, email.body_text)
    assert message.attachments[0][0] == f"{meeting.slug}.ics"


def test_email_send_after_a_transient_failure_sends_the_text_rendered_the_first_time(
    meeting, register_url, form_data, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        _register_in("fr", register_url, form_data)
    email = OutgoingEmail.objects.get()
    failures = [smtplib.SMTPServerDisconnected("connection lost")]
    deliver = EmailBackend.send_messages

    def fail_once(backend, messages):
        if failures:
            raise failures.pop()
        return deliver(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_once)
    outbox.email_send(email_id=email.pk)
    email.refresh_from_db()
    first_text = email.body_text
    Registration.objects.update(first_name="Changed")
    outbox.email_send(email_id=email.pk)
    outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert "Votre inscription est confirmée" in email.subject
    assert email.body_text == first_text
    assert [message.body for message in django_mail.outbox] == [first_text]
    assert email.status == OutgoingEmail.Status.SENT


def test_email_send_of_an_erased_registrations_confirmation_renders_nothing(
    meeting, register_url, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _register_in("en", register_url, form_data)
    email = OutgoingEmail.objects.get()
    Registration.objects.update(anonymised_at=email.created_at)

    outbox.email_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SKIPPED
    assert email.body_text == ""
    assert django_mail.outbox == []


def test_admin_outbox_shows_the_confirmation_once_the_worker_rendered_it(
    client, meeting, register_url, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _register_in("en", register_url, form_data)
    email = OutgoingEmail.objects.get()
    client.force_login(
        user_create(username="organiser", group=ORGANISERS, permissions=TRUSTED_PERMISSIONS, in_every_team=True)
    )
    change_url = reverse("admin:registration_outgoingemail_change", args=[email.pk])

    before = client.get(change_url).content.decode()
    outbox.email_send(email_id=email.pk)
    after = client.get(change_url).content.decode()

    assert "Written when it is sent." in before
    assert "Written when it is sent." not in after
    assert "Your registration is confirmed" in after
    assert "Thank you for registering" in after
