"""Diversity and accessibility answers need their own consent; a participant may erase their registration any time."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration import services
from registration.models import OutgoingEmail, Registration
from registration.reports.dashboard import dashboard_get
from tests.factories import MeetingFactory, RegistrationFactory, registration_answers

pytestmark = pytest.mark.django_db

REGISTER = "/register/"
CONSENT_ERROR = "Please tick this box to agree to how your gender, diversity and accessibility answers are used"


def _without_consent(form_data, **answers):
    data = {**form_data, **answers}
    del data["diversity_consent"]
    return data


def _manage_data(client, registration, **changes):
    """What the manage form posts back when the participant changes only `changes`."""
    form = client.get(reverse("registration:manage", args=[registration.manage_token])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(listening_language=registration.listening_language.pk, country=str(registration.country), **changes)
    return {name: value for name, value in data.items() if value is not None}


def _counts(meeting):
    dashboard = dashboard_get(meeting=meeting)
    return {
        "status": dashboard.status_by_category.lines,
        "counted": dashboard.counted,
        "countries": dashboard.countries,
        "listeners": dashboard.listeners,
        # Per category, not per gender: erasing withdraws the consent gender was given under,
        # so an erased registration is counted under "No answer".
        "gender_table": [(line["key"], line["total"]) for line in dashboard.gender_by_category.lines],
        "attendance": dashboard.attendance,
        "per_day": dashboard.per_day,
    }


def test_register_diversity_answer_without_consent_shows_the_error_at_the_box_and_saves_nothing(
    client, meeting, form_data
):
    data = _without_consent(form_data, age_group="35_49", needs_captions="on", accessibility_other="Large print")

    response = client.post(REGISTER, data)

    content = response.content.decode()
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert not OutgoingEmail.objects.exists()
    # The message is the consent box's own error, which the box's aria-describedby points to.
    assert re.search(
        r'<div id="id_diversity_consent_error" class="invalid-feedback">\s*<span id="error_1_id_diversity_consent">'
        rf"<strong>{CONSENT_ERROR}",
        content,
    )
    assert 'aria-describedby="id_diversity_consent_helptext id_diversity_consent_error"' in content
    assert 'href="#id_diversity_consent"' in content
    assert '<option value="35_49" selected>' in content
    assert 'name="needs_captions" class="checkboxinput form-check-input" id="id_needs_captions" checked' in content
    assert "Large print</textarea>" in content
    assert 'value="Đoković-Čačić"' in content


def test_register_gender_answer_without_consent_is_refused(client, meeting, form_data):
    response = client.post(REGISTER, _without_consent(form_data, gender="non_binary"))

    assert response.status_code == 200
    assert CONSENT_ERROR in response.content.decode()
    assert not Registration.objects.exists()


def test_register_diversity_answer_with_consent_is_saved_with_its_time(client, meeting, form_data):
    before = timezone.now()

    response = client.post(REGISTER, {**form_data, "disability": "yes", "needs_sign_language": "on"})

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.gender, registration.disability, registration.needs_sign_language) == ("man", "yes", True)
    assert before <= registration.diversity_consent_at <= timezone.now()


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"gender": "prefer_not", "disability": "prefer_not", "youth": "prefer_not", "age_group": "prefer_not"},
    ],
    ids=["nothing answered", "prefer not to say"],
)
def test_register_without_diversity_answers_needs_no_consent(client, meeting, form_data, answers):
    data = _without_consent(form_data, **answers)
    if not answers:
        del data["gender"]

    response = client.post(REGISTER, data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.gender == answers.get("gender", "")
    assert registration.diversity_consent_at is None


def test_register_consent_box_without_answers_stores_no_consent_time(client, meeting, form_data):
    data = {**form_data}
    del data["gender"]

    client.post(REGISTER, data)

    assert Registration.objects.get().diversity_consent_at is None


def test_dashboard_counts_a_registration_that_left_gender_empty(meeting):
    RegistrationFactory(meeting=meeting, gender="", diversity_consent_at=None)

    dashboard = dashboard_get(meeting=meeting)

    assert dashboard.counted == 1
    assert [count.value for count in dashboard.gender_by_category.column_totals] == [0, 0, 0, 0, 1]


def test_manage_diversity_answer_without_consent_is_refused_and_changes_nothing(client, meeting):
    registration = RegistrationFactory(meeting=meeting, gender="", diversity_consent_at=None, job_title="Adviser")
    data = _manage_data(client, registration, migrant_or_diaspora="yes", job_title="Director")

    response = client.post(reverse("registration:manage", args=[registration.manage_token]), data)

    assert response.status_code == 200
    assert CONSENT_ERROR in response.content.decode()
    registration.refresh_from_db()
    assert (registration.migrant_or_diaspora, registration.job_title) == ("", "Adviser")
    assert registration.diversity_consent_at is None
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CHANGE).exists()


def test_manage_keeps_the_time_of_an_earlier_consent(client, meeting):
    given = timezone.now() - datetime.timedelta(days=3)
    registration = RegistrationFactory(meeting=meeting, diversity_consent_at=given)
    data = _manage_data(client, registration, youth="no")

    response = client.post(reverse("registration:manage", args=[registration.manage_token]), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.youth, registration.diversity_consent_at) == ("no", given)


def test_manage_withdrawing_consent_with_answers_kept_is_refused(client, meeting):
    registration = RegistrationFactory(meeting=meeting, gender="woman")
    data = _manage_data(client, registration)
    del data["diversity_consent"]

    response = client.post(reverse("registration:manage", args=[registration.manage_token]), data)

    assert response.status_code == 200
    assert CONSENT_ERROR in response.content.decode()
    registration.refresh_from_db()
    assert registration.diversity_consent_at is not None


def test_manage_clearing_every_answer_clears_the_consent_time(client, meeting):
    registration = RegistrationFactory(meeting=meeting, gender="woman", needs_captions=True)
    data = _manage_data(client, registration, gender="prefer_not")
    del data["needs_captions"]
    del data["diversity_consent"]

    response = client.post(reverse("registration:manage", args=[registration.manage_token]), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.gender, registration.needs_captions) == ("prefer_not", False)
    assert registration.diversity_consent_at is None


def test_erase_from_the_manage_page_anonymises_at_once_keeps_counts_and_empties_emails(
    client, meeting, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, {**form_data, "age_group": "35_49", "questions": "Is there a dress code?"})
    RegistrationFactory(meeting=meeting, country="RS")
    registration = Registration.objects.get(email=form_data["email"])
    manage_url = reverse("registration:manage", args=[registration.manage_token])
    erase_url = reverse("registration:erase", args=[registration.manage_token])
    before = _counts(meeting)
    assert OutgoingEmail.objects.filter(registration=registration, body_text__contains="Ђорђе").exists()

    assert erase_url in client.get(manage_url).content.decode()
    confirmation = client.get(erase_url)
    response = client.post(erase_url, follow=True)

    assert "immediate and final" in confirmation.content.decode()
    assert "no-cache" in confirmation["Cache-Control"]
    assert response.redirect_chain == [(reverse("registration:erased", args=[meeting.slug]), 302)]
    assert "Your registration is erased" in response.content.decode()
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert (registration.first_name, registration.last_name, registration.questions) == ("", "", "")
    assert (registration.gender, registration.age_group, registration.diversity_consent_at) == ("", "", None)
    assert registration.email == f"anonymised-{registration.pk}@invalid"
    # The old link opens nothing; it says the registration was erased (walk F1.17).
    assert client.get(manage_url).status_code == 410
    assert client.post(erase_url).status_code == 410
    assert _counts(meeting) == before
    assert not OutgoingEmail.objects.filter(registration=registration).exists()
    assert not OutgoingEmail.objects.filter(body_text__contains="Ђорђе").exists()
    assert not OutgoingEmail.objects.filter(to_email__iexact=form_data["email"]).exists()


def test_erase_confirmation_page_changes_nothing(client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Olena")

    response = client.get(reverse("registration:erase", args=[registration.manage_token]))

    assert response.status_code == 200
    registration.refresh_from_db()
    assert (registration.first_name, registration.anonymised_at) == ("Olena", None)


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.ACTIVE,
        Registration.Status.PENDING,
        Registration.Status.DECLINED,
        Registration.Status.CANCELLED,
    ],
)
def test_erase_is_allowed_in_every_status_and_after_the_deadline(client, status):
    meeting = MeetingFactory(registration_deadline=timezone.localdate() - datetime.timedelta(days=1))
    registration = RegistrationFactory(meeting=meeting, status=status, first_name="Olena")
    before = _counts(meeting)
    assert not meeting.is_registration_open()

    response = client.post(reverse("registration:erase", args=[registration.manage_token]))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.first_name, registration.status) == ("", status)
    assert registration.anonymised_at is not None
    assert _counts(meeting) == before


def test_erase_from_another_site_without_the_csrf_token_is_refused(meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Olena")

    response = Client(enforce_csrf_checks=True).post(reverse("registration:erase", args=[registration.manage_token]))

    assert response.status_code == 403
    registration.refresh_from_db()
    assert (registration.first_name, registration.anonymised_at) == ("Olena", None)


def test_erase_with_a_guessed_token_is_not_found(client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Olena")

    response = client.post(reverse("registration:erase", args=[registration.manage_token.upper()]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.anonymised_at is None


def test_registration_erase_twice_changes_nothing_the_second_time(meeting):
    registration = RegistrationFactory(meeting=meeting)
    first = services.registration_erase(registration=registration)
    erased = Registration.objects.values().get(pk=registration.pk)

    services.registration_erase(registration=registration, now=timezone.now() + datetime.timedelta(hours=1))

    assert first.anonymised_at is not None
    assert Registration.objects.values().get(pk=registration.pk) == erased


def test_privacy_notice_says_consent_erasure_and_the_cancellation_rule(client, meeting):
    content = client.get(reverse("registration:privacy", args=[meeting.slug])).content.decode()

    assert "These questions are optional" in content
    assert "asks for your consent in a sentence of its own" in content
    assert "cancel or erase your registration at any time" in content
    assert "removed 30 days after the cancellation" in content
    assert "It keeps no name, contact details, text you wrote" in content


# Attacks from the second review of issue 10: each test performs one.


def test_erase_leaves_no_diversity_answer_given_under_the_consent_it_withdraws(client, meeting):
    client.post(
        "/register/",
        registration_answers(meeting, gender="non_binary", disability="yes", diversity_consent="on"),
    )
    registration = Registration.objects.get()
    assert registration.gender == Registration.Gender.NON_BINARY

    client.post(reverse("registration:erase", args=[registration.manage_token]))

    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert registration.diversity_consent_at is None
    # The consent sentence promises the answers go with an erasure; gender identity is one of them.
    assert registration.gender == ""


def test_erase_posted_from_another_site_without_the_csrf_token_is_refused(meeting):
    registration = RegistrationFactory(meeting=meeting)
    attacker = Client(enforce_csrf_checks=True)

    response = attacker.post(reverse("registration:erase", args=[registration.manage_token]))

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.anonymised_at is None
