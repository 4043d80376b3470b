"""Fixtures for messages: a meeting with French, English and Russian readers, and a draft message."""

import pytest

from mailings.models import Mailing
from registration.models import Registration
from tests.factories import MeetingFactory, RegistrationFactory


@pytest.fixture
def meeting(db):
    return MeetingFactory(short_name="IMRF 100 days", contact_email="secretariat@example.org")


@pytest.fixture
def readers(meeting):
    """Three registered participants, one per language, and one whose registration is cancelled."""
    french = meeting.interpretation_languages.get(code="fr")
    return {
        "fr": RegistrationFactory(
            meeting=meeting, first_name="Claire", last_name="Martin", language="fr", listening_language=french
        ),
        "en": RegistrationFactory(meeting=meeting, first_name="John", last_name="Smith", language="en"),
        "ru": RegistrationFactory(meeting=meeting, first_name="Ivan", last_name="Petrov", language="ru"),
        "cancelled": RegistrationFactory(meeting=meeting, language="fr", status=Registration.Status.CANCELLED),
    }


@pytest.fixture
def mailing(meeting):
    return Mailing.objects.create(
        meeting=meeting,
        subject_en="The agenda was revised",
        body_en="Dear {first_name},\n\nThe revised agenda is online.",
        subject_fr="L'ordre du jour a été révisé",
        body_fr="Madame, Monsieur {last_name},\n\nL'ordre du jour révisé est en ligne.",
    )
