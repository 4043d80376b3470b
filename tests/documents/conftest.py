"""Fixtures for the meeting's documents: a meeting with participants of every section, and its organiser."""

import pytest
from django.utils import timezone

from registration.models import Registration
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

CATEGORY = Registration.Category


@pytest.fixture
def meeting(db):
    return MeetingFactory(title="100 Days to the IMRF", title_fr="100 jours avant le FEMI")


@pytest.fixture
def organiser(client, meeting):
    """An Organiser of `meeting` only, signed in on `client`."""
    user = user_create(username="organiser", group=ORGANISERS, teams=[meeting])
    client.force_login(user)
    return user


def listed(meeting, **fields):
    return RegistrationFactory(meeting=meeting, listed_publicly=True, **fields)


@pytest.fixture
def participants(meeting):
    """Consenting, confirmed participants of every section, typed in an order that is not the list's."""
    return {
        "ngo": listed(
            meeting, first_name="Nadia", last_name="Okafor", category=CATEGORY.CIVIL_SOCIETY, organisation="Caritas"
        ),
        "unhcr": listed(
            meeting, first_name="Ulla", last_name="Berg", category=CATEGORY.UN_SYSTEM, organisation="UNHCR"
        ),
        "oecd": listed(meeting, first_name="Otto", last_name="Klein", category=CATEGORY.IGO, organisation="OECD"),
        "holy_see": listed(meeting, first_name="Paolo", last_name="Rossi", country="VA"),
        # English: Egypt, Germany, Switzerland; French: Allemagne, Égypte, Suisse.
        "switzerland": listed(meeting, honorific="Ms", first_name="Anna", last_name="Huber", country="CH"),
        "germany": listed(meeting, honorific="Mr", first_name="Jan", last_name="Schmidt", country="DE"),
        "egypt": listed(meeting, first_name="Amr", last_name="Hassan", country="EG"),
        "iom": listed(meeting, first_name="Ines", last_name="Alves", category=CATEGORY.UN_SYSTEM, organisation="IOM"),
    }


@pytest.fixture
def not_listed(meeting):
    """Those who must never appear: no consent, pending, declined, cancelled, erased."""
    return [
        RegistrationFactory(meeting=meeting, last_name="Noconsent", listed_publicly=False, country="FR"),
        listed(meeting, last_name="Pending", status=Registration.Status.PENDING, country="IT"),
        listed(meeting, last_name="Declined", status=Registration.Status.DECLINED, country="ES"),
        listed(meeting, last_name="Cancelled", status=Registration.Status.CANCELLED, country="PT"),
        listed(meeting, last_name="Erased", anonymised_at=timezone.now(), country="NL"),
    ]
