"""Issue 19, Medium 3 and Low 11: the consent time guarded like the answers; hostile admin queries answer 400."""

import csv
import io

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
CONSENT_LOOKUPS = [
    {"diversity_consent_at__isnull": "False"},
    {"diversity_consent_at__gte": "2000-01-01"},
    {"diversity_consent_at__year": "2026"},
    {"meeting__registrations__diversity_consent_at__isnull": "False"},
]


@pytest.fixture
def meeting(db):
    # A meeting that asks only the accessibility questions: a consent time means a declared need.
    return MeetingFactory(asks_diversity=False, asks_accessibility=True)


@pytest.fixture
def needs_captions(meeting):
    RegistrationFactory(meeting=meeting, email="plain@example.org", gender="", diversity_consent_at=None)
    return RegistrationFactory(meeting=meeting, email="captions@example.org", gender="", needs_captions=True)


def _signed_in(client, *, permissions=()):
    user = user_create(username="organiser", group=ORGANISERS, permissions=permissions, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    client.post(reverse("admin:login"), {"username": user.username, "password": "correct horse battery staple"})
    return client


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("url", [CHANGELIST, *EXPORTS])
@pytest.mark.parametrize("lookup", CONSENT_LOOKUPS)
def test_organiser_cannot_pick_out_who_declared_a_need_by_the_consent_time(client, needs_captions, url, lookup):
    _signed_in(client)

    response = client.get(url, lookup)

    assert response.status_code == 400
    assert "captions@example.org" not in _body(response)


def test_consent_time_is_not_in_the_list_export_or_change_page_without_the_permission(client, needs_captions):
    _signed_in(client)
    header = "consent to the diversity and accessibility answers given at"

    exported = _body(client.get(EXPORTS[0]))
    change = client.get(reverse("admin:registration_registration_change", args=[needs_captions.pk]))
    listed = client.get(CHANGELIST)

    assert header not in next(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert header not in change.content.decode().lower()
    assert not any("diversity_consent_at" in str(column) for column in listed.context["cl"].list_display)
    assert "diversity_consent_at" not in [
        getattr(spec, "field_path", None) for spec in listed.context["cl"].filter_specs
    ]


def test_consent_time_with_the_permission_filters_and_shows(client, needs_captions):
    _signed_in(client, permissions=[DIVERSITY])

    listed = client.get(CHANGELIST, {"diversity_consent_at__isnull": "False"})
    change = client.get(reverse("admin:registration_registration_change", args=[needs_captions.pk]))

    assert [registration.email for registration in listed.context["cl"].result_list] == ["captions@example.org"]
    assert "consent to the diversity and accessibility answers given at" in change.content.decode().lower()


def test_a_forged_edit_cannot_set_the_consent_time(client, needs_captions):
    _signed_in(client, permissions=[DIVERSITY])
    url = reverse("admin:registration_registration_change", args=[needs_captions.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"diversity_consent_at_0": "2001-01-01", "diversity_consent_at_1": "00:00:00"})
    data.update({"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0"})
    before = needs_captions.diversity_consent_at

    client.post(url, {key: "" if value is None else value for key, value in data.items()})

    needs_captions.refresh_from_db()
    assert needs_captions.diversity_consent_at == before


# Low 11: a NUL byte or an overflowing date part in an admin query string.

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
