"""Issue 19, Low 11: a NUL byte or an overflowing date part in an admin query answers 400 (admin_query.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from registration.models import Registration
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
EXPORTS = [
    reverse("admin:registration_registration_export", args=["csv"]),
    reverse("admin:registration_registration_export", args=["xlsx"]),
    reverse("admin:registration_registration_speakers", args=["csv"]),
]
DIVERSITY = "registration.view_diversity_answers"


@pytest.fixture
def meeting(db):
    return MeetingFactory(asks_diversity=False, asks_accessibility=True)


def _signed_in(client, *, permissions=()):
    user = user_create(username="organiser", group=ORGANISERS, permissions=permissions, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    client.post(reverse("admin:login"), {"username": user.username, "password": "correct horse battery staple"})
    return client


HOSTILE_QUERIES = [
    {"country__exact": "\x00"},
    {"q": "Amina\x00"},
    {"created_at__year": "99999999999"},
    {"created_at__year": "2026", "created_at__month": "99999999999"},
    {"created_at__day": "1" * 40},
]


ADMIN_LISTS = [
    CHANGELIST,
    *EXPORTS,
    reverse("admin:registration_outgoingemail_changelist"),
    reverse("admin:registration_attendance_changelist"),
]


def _hostile_client():
    return _signed_in(Client(raise_request_exception=False), permissions=[DIVERSITY])


def _check_answers_400_not_500(meeting, url, query):
    RegistrationFactory(meeting=meeting, country="AD")
    client = _hostile_client()

    response = client.get(url, query)

    assert response.status_code == 400, (url, query, response.status_code)
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize("url", ADMIN_LISTS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_admin_list_or_export_with_a_nul_byte_or_an_overflowing_year_answers_400(meeting, url, query):
    _check_answers_400_not_500(meeting, url, query)


@pytest.mark.postgres
@pytest.mark.parametrize("url", ADMIN_LISTS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_admin_list_or_export_with_a_nul_byte_or_an_overflowing_year_answers_400_on_postgresql(meeting, url, query):
    _check_answers_400_not_500(meeting, url, query)


@pytest.mark.parametrize("term", ["\x00", "a\x00b"])
def test_admin_autocomplete_with_a_nul_byte_answers_400(meeting, term):
    client = _hostile_client()

    response = client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "agenda", "model_name": "meeting", "field_name": "team"},
    )

    assert response.status_code == 400


def test_admin_list_with_an_ordinary_bad_year_still_answers_the_lists_own_error(meeting):
    client = _hostile_client()

    response = client.get(CHANGELIST, {"created_at__year": "next"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    assert Registration.objects.count() == 0
