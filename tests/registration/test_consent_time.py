"""Issue 19, Medium 3: the time of the diversity consent is guarded like the protected answers it dates."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db


CONSENT_CHANGELIST = reverse("admin:registration_registration_changelist")
CONSENT_EXPORTS = [
    reverse("admin:registration_registration_export", args=["csv"]),
    reverse("admin:registration_registration_export", args=["xlsx"]),
    reverse("admin:registration_registration_speakers", args=["csv"]),
]
CONSENT_PERMISSION = "registration.view_diversity_answers"
CONSENT_LOOKUPS = [
    {"diversity_consent_at__isnull": "False"},
    {"diversity_consent_at__gte": "2000-01-01"},
    {"diversity_consent_at__year": "2026"},
    {"meeting__registrations__diversity_consent_at__isnull": "False"},
]


@pytest.fixture
def accessibility_only_meeting(db):
    # A meeting that asks only the accessibility questions: a consent time means a declared need.
    return MeetingFactory(asks_diversity=False, asks_accessibility=True)


@pytest.fixture
def needs_captions(accessibility_only_meeting):
    RegistrationFactory(
        meeting=accessibility_only_meeting,
        email="plain@example.org",
        gender="",
        diversity_consent_at=None,
    )
    return RegistrationFactory(
        meeting=accessibility_only_meeting,
        email="captions@example.org",
        gender="",
        needs_captions=True,
    )


def _signed_in(client, *, permissions=()):
    user = user_create(username="organiser", group=ORGANISERS, permissions=permissions, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    client.post(reverse("admin:login"), {"username": user.username, "password": "correct horse battery staple"})
    return client


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("url", [CONSENT_CHANGELIST, *CONSENT_EXPORTS])
@pytest.mark.parametrize("lookup", CONSENT_LOOKUPS)
def test_organiser_cannot_pick_out_who_declared_a_need_by_the_consent_time(client, needs_captions, url, lookup):
    _signed_in(client)

    response = client.get(url, lookup)

    assert response.status_code == 400
    assert "captions@example.org" not in _body(response)


def test_consent_time_is_not_in_the_list_export_or_change_page_without_the_permission(client, needs_captions):
    _signed_in(client)
    header = "consent to the diversity and accessibility answers given at"

    exported = _body(client.get(CONSENT_EXPORTS[0]))
    change = client.get(reverse("admin:registration_registration_change", args=[needs_captions.pk]))
    listed = client.get(CONSENT_CHANGELIST)

    assert header not in next(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert header not in change.content.decode().lower()
    assert not any("diversity_consent_at" in str(column) for column in listed.context["cl"].list_display)
    assert "diversity_consent_at" not in [
        getattr(spec, "field_path", None) for spec in listed.context["cl"].filter_specs
    ]


def test_consent_time_with_the_permission_filters_and_shows(client, needs_captions):
    _signed_in(client, permissions=[CONSENT_PERMISSION])

    listed = client.get(CONSENT_CHANGELIST, {"diversity_consent_at__isnull": "False"})
    change = client.get(reverse("admin:registration_registration_change", args=[needs_captions.pk]))

    assert [registration.email for registration in listed.context["cl"].result_list] == ["captions@example.org"]
    assert "consent to the diversity and accessibility answers given at" in change.content.decode().lower()


def test_a_forged_edit_cannot_set_the_consent_time(client, needs_captions):
    _signed_in(client, permissions=[CONSENT_PERMISSION])
    url = reverse("admin:registration_registration_change", args=[needs_captions.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"diversity_consent_at_0": "2001-01-01", "diversity_consent_at_1": "00:00:00"})
    data.update({"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0"})
    before = needs_captions.diversity_consent_at

    client.post(url, {key: "" if value is None else value for key, value in data.items()})

    needs_captions.refresh_from_db()
    assert needs_captions.diversity_consent_at == before
