"""The participant's language: stored when registering, used for every email and for the manage page."""

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration import services
from registration.mail import outbox, reminders
from registration.mail.emails import email_message_build
from registration.models import OutgoingEmail, Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTER = "/register/"


def _client_in(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_register_stores_the_language_the_form_was_read_in(meeting, form_data):
    response = _client_in("ru").post(REGISTER, form_data)

    assert response.status_code == 302
    assert Registration.objects.get().language == "ru"


def test_register_confirmation_email_is_in_the_registrations_language(
    meeting, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _client_in("ru").post(REGISTER, form_data)

    message = django_mail.outbox[0]
    assert "Ваша регистрация подтверждена" in message.subject
    assert "Благодарим вас за регистрацию" in message.body
    assert "Язык, на котором вы будете слушать" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="ru">' in html
    assert "Управление регистрацией" in html


def test_register_validation_error_is_in_the_forms_language(meeting, form_data):
    # Gender is optional since issue 10 (point 11): the job title is still required.
    del form_data["job_title"]

    response = _client_in("fr").post(REGISTER, form_data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Votre réponse comporte une erreur" in content
    assert "Ce champ est obligatoire." in content
    assert "Fonction / intitulé du poste" in content


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("fr", "Votre inscription a été modifiée", "Voici ce qui est désormais enregistré"),
        ("es", "Su inscripción se ha modificado", "Estos son los datos actuales"),
        ("ru", "Ваша регистрация изменена", "Ниже приведены актуальные данные"),
    ],
)
def test_registration_update_email_is_in_the_registrations_language(meeting, language, subject, phrase):
    registration = RegistrationFactory(meeting=meeting, language=language)

    services.registration_update(registration=registration, data={"job_title": "Director"})

    email = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CHANGE)
    assert subject in email.subject
    assert phrase in email.body_text


def test_registration_cancel_email_is_in_the_registrations_language(meeting):
    registration = RegistrationFactory(meeting=meeting, language="es")

    services.registration_cancel(registration=registration)

    email = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CANCELLATION)
    assert "Su inscripción se ha cancelado" in email.subject
    assert "No recibirá recordatorios" in email.body_text


def test_email_dates_are_worded_in_the_registrations_language(meeting):
    starts = timezone.localtime(meeting.starts_at, meeting.tzinfo)
    registration = RegistrationFactory(meeting=meeting, language="es")

    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    assert f"{starts.day} de {months[starts.month - 1]} de {starts.year}, 09:00–12:00" in email.body_text


def test_email_calendar_attachment_is_in_the_registrations_language(meeting):
    registration = RegistrationFactory(meeting=meeting, language="fr")
    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    message = email_message_build(email=email)

    ical = next(content for _name, content, _type in message.attachments)
    assert "Comment se connecter" in ical.replace("\r\n ", "")


def test_manage_link_email_for_a_duplicate_is_in_the_existing_registrations_language(
    meeting, form_data, django_capture_on_commit_callbacks
):
    RegistrationFactory(meeting=meeting, email=form_data["email"], language="ru")

    # Rendered when it is sent, as the confirmation is (issue 19, point 5): the after-commit send runs here.
    with django_capture_on_commit_callbacks(execute=True):
        _client_in("en").post(REGISTER, form_data)

    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.MANAGE_LINK)
    assert "Ссылка для управления регистрацией" in email.subject


def test_reminder_is_in_each_registrants_language(meeting):
    french = RegistrationFactory(meeting=meeting, language="fr")
    russian = RegistrationFactory(meeting=meeting, language="ru")
    reminder = meeting.reminders.get(kind="days_before", days_before=1)

    reminders.reminder_send(reminder=reminder)

    emails = {email.registration_id: email for email in OutgoingEmail.objects.filter(reminder=reminder)}
    assert "La réunion a lieu demain" in emails[french.pk].subject
    # No title: the neutral salutation, never the first name alone (nor the protected gender answer).
    assert emails[french.pk].body_text.startswith("Madame, Monsieur,")
    assert "Совещание состоится завтра" in emails[russian.pk].subject
    assert f"Здравствуйте, {russian.first_name} {russian.last_name}!" in emails[russian.pk].body_text


def test_reminder_without_a_translation_falls_back_to_english(meeting):
    registration = RegistrationFactory(meeting=meeting, language="es")
    reminder = meeting.reminders.get(kind="days_before", days_before=1)
    reminder.subject_es = ""
    reminder.save()

    reminders.reminder_send(reminder=reminder)

    email = OutgoingEmail.objects.get(reminder=reminder, registration=registration)
    assert "The meeting is tomorrow" in email.subject


def test_manage_page_opens_in_the_registrations_language(meeting):
    registration = RegistrationFactory(meeting=meeting, language="es")

    response = Client().get(reverse("registration:manage", args=[registration.manage_token]))

    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "Su inscripción" in content
    assert response["Content-Language"] == "es"


def test_manage_page_follows_the_language_the_visitor_chose(meeting):
    registration = RegistrationFactory(meeting=meeting, language="es")

    response = _client_in("fr").get(reverse("registration:manage", args=[registration.manage_token]))

    assert '<html lang="fr">' in response.content.decode()


def test_manage_page_saved_in_another_language_moves_the_emails_to_it(meeting, form_data):
    registration = RegistrationFactory(meeting=meeting, language="es")
    url = reverse("registration:manage", args=[registration.manage_token])
    form_data["email"] = registration.email

    response = _client_in("ru").post(url, form_data)

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.language == "ru"
    change = OutgoingEmail.objects.get(registration=registration, kind=OutgoingEmail.Kind.CHANGE)
    assert "Ваша регистрация изменена" in change.subject
