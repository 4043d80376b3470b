"""The second language review's points in emails and on the form: greetings, reminders, sender, error summary."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.models import InterpretationLanguage
from agenda.services import meeting_load_imrf
from registration.mail import emails, outbox, reminders
from registration.models import OutgoingEmail, Reminder
from tests.factories import RegistrationFactory
from tests.french_punctuation import page_text

pytestmark = pytest.mark.django_db

reminder_defaults = importlib.import_module("registration.migrations.0023_reminder_greetings_and_joining_once")


@pytest.fixture
def meeting():
    """The concept note's meeting with its texts in every language, 30 days ahead or more: registration is open."""
    return meeting_load_imrf(today=timezone.localdate())


def _registration(meeting, language, **fields):
    return RegistrationFactory(
        meeting=meeting,
        language=language,
        listening_language=InterpretationLanguage.objects.get(code=language),
        **fields,
    )


@pytest.mark.parametrize(
    ("language", "honorific", "first_name", "last_name", "greeting"),
    [
        ("en", "Ms", "Anne", "Dupont", "Dear Ms Dupont,"),
        ("en", "", "Jean", "Martin", "Dear Jean Martin,"),
        ("fr", "Mme", "Anne", "Dupont", "Madame,"),
        ("fr", "M.", "Jean", "Martin", "Monsieur,"),
        ("fr", "Dr", "Jean", "Martin", "Madame, Monsieur,"),
        ("es", "Sra.", "Ana", "García López", "Estimada Sra. García López:"),
        ("es", "Excmo. Sr.", "Pedro", "Ruiz", "Estimado Sr. Ruiz:"),
        ("ru", "г-жа", "Анна", "Иванова", "Уважаемая госпожа Иванова!"),
        ("ru", "", "Иван", "Петров", "Здравствуйте, Иван Петров!"),
    ],
)
def test_confirmation_greets_as_a_un_secretariat_writes(meeting, language, honorific, first_name, last_name, greeting):
    registration = _registration(meeting, language, honorific=honorific, first_name=first_name, last_name=last_name)

    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    assert email.body_text.startswith(greeting + "\n")
    assert f"<p>{greeting}</p>" in email.body_html
    for wrong in ("Bonjour", "Estimado/a Sra.", "Здравствуйте, г-жа", "Dear Ms Anne"):
        assert wrong not in email.body_text


@pytest.mark.parametrize(
    ("language", "greeting", "how_to_join"),
    [
        ("en", "Dear Ms Dupont,", "How to join"),
        ("fr", "Madame,", "Comment se connecter"),
        ("es", "Estimada Sra. Dupont:", "Cómo conectarse"),
        ("ru", "Уважаемая госпожа Dupont!", "Как подключиться"),
    ],
)
def test_default_reminders_greet_formally_and_say_how_to_join_once(meeting, language, greeting, how_to_join):
    registration = _registration(meeting, language, honorific="Ms", first_name="Anne", last_name="Dupont")
    registration.honorific = {"fr": "Mme", "es": "Sra.", "ru": "г-жа"}.get(language, "Ms")
    registration.save()

    for reminder in meeting.reminders.all():
        reminders.reminder_send(reminder=reminder)

    for email in OutgoingEmail.objects.filter(registration=registration, kind=OutgoingEmail.Kind.REMINDER):
        assert email.body_text.startswith(greeting + "\n")
        assert "Anne," not in email.body_text and "Anne!" not in email.body_text
        assert email.body_text.count(how_to_join) == 1, email.reminder.kind


@pytest.mark.parametrize(
    ("language", "sender"),
    [
        ("en", "IMRF 100 days"),
        ("fr", "100 jours avant le Forum"),
        ("es", "FEMI 100 días"),
        ("ru", "100 дней до Форума"),
    ],
)
def test_sender_is_named_in_the_readers_language_at_the_configured_address(meeting, settings, language, sender):
    settings.DEFAULT_FROM_EMAIL = "IMRF meeting <noreply@events.example.org>"
    registration = _registration(meeting, language)
    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    message = emails.email_message_build(email=email)

    assert message.from_email == f"{sender} <noreply@events.example.org>"
    assert "IMRF meeting" not in str(message.message()["From"])


def test_sender_name_cannot_carry_a_header(meeting, settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@events.example.org"
    meeting.short_name_en = 'IMRF "100"\nBcc: victim@example.org'
    meeting.save()
    registration = _registration(meeting, "en")
    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    message = emails.email_message_build(email=email).message()

    assert message["Bcc"] is None
    assert message["From"].endswith("<noreply@events.example.org>")


def _submit(language, data):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(reverse("registration:register", args=["imrf-100-days"]), data).content.decode()


SUMMARY = re.compile(r'<div id="error-summary".*?</div>', re.S)


@pytest.mark.parametrize(
    ("language", "privacy", "group"),
    [
        ("en", "Privacy notice: Please accept the privacy notice", "Group: "),
        ("fr", "Notice de confidentialité\u00a0: Veuillez accepter", "Groupe\u00a0: "),
        ("es", "Aviso de privacidad: ", "Grupo: "),
        ("ru", "Уведомление о конфиденциальности: ", "Группа: "),
    ],
)
def test_error_summary_names_each_field_shortly_with_one_link_each(meeting, form_data, language, privacy, group):
    data = {
        **form_data,
        "privacy_consent": "",
        "category": "other",
        "category_other": "",
        "wishes_to_speak": "on",
        "intervention_topic": "Regular pathways",
        "intervention_coordination": "group",
        "intervention_group": "",
    }

    summary = SUMMARY.search(_submit(language, data)).group(0)

    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert len(items) >= 3
    for item in items:
        assert item.count("<a ") == 1, item
        assert "target=" not in item
    text = page_text(summary)
    assert privacy in text
    assert group in text
    for fault in (". :", ".:", "? :", "?:", ".\u00a0:", "?\u00a0:"):
        assert fault not in text


def test_radio_in_error_is_described_by_its_error(meeting, form_data):
    data = {**form_data, "wishes_to_speak": "on", "intervention_topic": "Pathways", "intervention_coordination": ""}

    content = _submit("en", data)

    radio = re.search(r'<input type="radio"[^>]*name="intervention_coordination"[^>]*>', content).group(0)
    assert 'aria-describedby="id_intervention_coordination_error' in radio
    assert 'id="id_intervention_coordination_error"' in content


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Member State governments only."),
        ("fr", "Gouvernements des États Membres uniquement."),
        ("es", "Solo para los Gobiernos de los Estados Miembros."),
        ("ru", "Только для правительств государств-членов."),
    ],
)
def test_conditional_fields_say_when_they_apply_without_a_script(meeting, language, hint):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = page_text(client.get(reverse("registration:register", args=["imrf-100-days"])).content.decode())

    assert hint in text


def test_reminder_defaults_migration_replaces_only_unchanged_texts(meeting):
    week, tomorrow, soon = (
        meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=7),
        meeting.reminders.get(kind=Reminder.Kind.DAYS_BEFORE, days_before=1),
        meeting.reminders.get(kind=Reminder.Kind.STARTING_SOON),
    )
    (old_days, new_days), (old_soon, new_soon) = reminder_defaults.DEFAULTS["fr"]
    week.body_fr = old_days
    week.save()
    tomorrow.body_fr = "Bonjour {first_name}, texte de l'organisatrice."
    tomorrow.save()
    soon.body_fr = old_soon
    soon.save()

    reminder_defaults.defaults_update(apps, None)

    week.refresh_from_db()
    tomorrow.refresh_from_db()
    soon.refresh_from_db()
    assert (week.body_fr, soon.body_fr) == (new_days, new_soon)
    assert tomorrow.body_fr == "Bonjour {first_name}, texte de l'organisatrice."


def test_french_form_calls_a_wrong_address_an_adresse_electronique(meeting, form_data):
    content = _submit("fr", {**form_data, "email": "not-an-address"})

    assert "Saisissez une adresse électronique valide." in content
    assert "adresse de courriel" not in content
