"""Emails written in the participant's language: subject prefix, dates and French punctuation."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from agenda.models import InterpretationLanguage
from agenda.services import meeting_load_imrf
from registration import services
from registration.mail import outbox
from registration.models import OutgoingEmail, Registration
from tests.factories import RegistrationFactory
from tests.french_punctuation import french_punctuation_faults
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

JANUARY_10 = datetime.datetime(2022, 1, 10, 12, tzinfo=datetime.UTC)


@pytest.fixture
def meeting():
    """The meeting as the concept note has it (Tuesday 1 February 2022), with its texts in every language."""
    return meeting_load_imrf()


def _registration(meeting, language, **fields):
    return RegistrationFactory(
        meeting=meeting,
        language=language,
        listening_language=InterpretationLanguage.objects.get(code=language),
        **fields,
    )


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "[IMRF 100 days] Your registration is confirmed"),
        ("fr", "[100 jours avant le Forum] Votre inscription est confirmée"),
        ("es", "[FEMI 100 días] Su inscripción está confirmada"),
        ("ru", "[100 дней до Форума] Ваша регистрация подтверждена"),
    ],
)
def test_approval_by_a_french_organiser_is_subjected_in_the_participants_language(meeting, language, subject):
    meeting.requires_approval = True
    meeting.save()
    pending = _registration(meeting, language, status=Registration.Status.PENDING)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))

    client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "approve", "_selected_action": [pending.pk]},
    )

    assert OutgoingEmail.objects.get(registration=pending).subject == subject


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("en", "Tuesday 1 February 2022, 09:00–12:00 CET"),
        ("fr", "mardi 1er février 2022, 09:00–12:00 CET"),
        ("es", "martes 1 de febrero de 2022, 09:00–12:00 CET"),
        ("ru", "1 февраля 2022 года, 09:00–12:00 CET"),
    ],
)
def test_confirmation_email_words_the_date_as_the_participants_language_does(meeting, language, when):
    registration = _registration(meeting, language)

    email = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)

    assert when in email.body_text
    assert when in email.body_html


def test_french_plain_text_emails_put_a_no_break_space_before_high_punctuation(meeting):
    registration = _registration(
        meeting,
        "fr",
        wishes_to_speak=True,
        intervention_topic="les voies de migration régulière",
        intervention_coordination="group",
        intervention_group="Groupe des États d'Europe occidentale",
        needs_captions=True,
        accessibility_other="Boucle magnétique",
    )

    outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    # While registration was open: the meeting keeps its 2022 dates.
    services.registration_update(registration=registration, data={"job_title": "Directrice"}, now=JANUARY_10)
    services.registration_cancel(registration=registration, now=JANUARY_10)

    emails = OutgoingEmail.objects.filter(registration=registration)
    assert emails.count() == 3
    for email in emails:
        assert french_punctuation_faults(email.body_text) == [], email.kind
    change = emails.get(kind=OutgoingEmail.Kind.CHANGE).body_text
    assert "Prise de parole\u00a0: Oui, sujet\u00a0: les voies de migration régulière" in change
    assert "(groupe\u00a0: Groupe des États d'Europe occidentale)" in change
    # Accessibility needs are not repeated in emails (issue 19, point 2): the manage page shows them.
    assert "Boucle magnétique" not in change
