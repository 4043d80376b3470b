"""Tests of the registration pages as a participant uses them: form, thank-you, manage link, closed."""

import datetime

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from registration.models import EmailChangeRequest, OutgoingEmail, Registration
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_register_get_shows_every_section(register_url, client, meeting):
    response = client.get(register_url)

    content = response.content.decode()
    assert response.status_code == 200
    for legend in (
        "About you",
        "Whom you represent",
        "Interpretation",
        "Gender and diversity",
        "Accessibility",
        "Taking the floor",
        "Consent",
    ):
        assert f"<legend>{legend}</legend>" in " ".join(content.split()).replace("<legend> ", "<legend>").replace(
            " </legend>", "</legend>"
        )
    assert f'href="/{meeting.slug}/register/privacy/"' in content


def test_register_get_offers_unece_member_states_first(register_url, client, meeting):
    response = client.get(register_url)

    content = response.content.decode()
    unece_group = content.index('label="UNECE member States"')
    others_group = content.index('label="Other Member States and observer States"')
    assert unece_group < content.index('value="UZ"') < others_group
    assert others_group < content.index('value="BR"') < content.index('value="ZZ"')
    assert "Türkiye" in content


def test_register_post_valid_redirects_to_thanks_and_emails_the_summary(
    register_url, client, meeting, form_data, django_capture_on_commit_callbacks
):
    # The worker renders the confirmation as it sends it: here in-process, after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url, form_data)

    assert response.status_code == 302
    assert response["Location"] == reverse("registration:thanks", args=[meeting.slug])
    registration = Registration.objects.get()
    assert registration.first_name == "Ђорђе"
    assert registration.last_name == "Đoković-Čačić"
    assert registration.organisation == "Ministarstvo unutrašnjih poslova"
    assert registration.listening_language.code == "bcms"
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for registering" in thanks
    assert "We have sent an email to djordje@mup.example.rs" in thanks
    confirmation = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.CONFIRMATION)
    assert "Đoković-Čačić" in confirmation.body_text
    assert "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)" in confirmation.body_text


def test_register_post_duplicate_email_saves_nothing_and_sends_the_manage_link(
    register_url, client, meeting, form_data
):
    RegistrationFactory(meeting=meeting, email="Djordje@MUP.example.rs", first_name="Original")

    response = client.post(register_url, form_data)

    assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert Registration.objects.get().first_name == "Original"
    assert OutgoingEmail.objects.get().kind == OutgoingEmail.Kind.MANAGE_LINK
    thanks = client.get(response["Location"]).content.decode()
    assert "We have sent an email to djordje@mup.example.rs" in thanks
    assert "Original" not in thanks


def test_register_post_invalid_keeps_values_and_shows_errors_next_to_fields(register_url, client, meeting, form_data):
    data = {**form_data, "email": "not-an-email", "privacy_consent": ""}

    response = client.post(register_url, data)

    content = response.content.decode()
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert 'id="error-summary"' in content
    assert 'href="#id_email"' in content
    assert "Enter a valid email address." in content
    assert "Please accept the privacy notice to register." in content
    assert 'value="Đoković-Čačić"' in content
    assert 'value="not-an-email"' in content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "head_of_the_universe"),
        ("country", "XX"),
        ("country", "TW"),
        ("country", "rs"),
        ("country", "UNECE member States"),
        ("listening_language", "999999"),
        ("gender", "robot"),
        ("imrf_attendance_level", "emperor"),
        ("first_name", "x" * 101),
        ("email", "a@" + "b" * 300 + ".org"),
        ("questions", "q" * 2001),
        ("first_name", "nul\x00byte"),
    ],
)
def test_register_post_forged_or_overlong_value_is_refused(register_url, client, meeting, form_data, field, value):
    response = client.post(register_url, {**form_data, field: value})

    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert 'id="error-summary"' in response.content.decode()


def test_register_post_member_state_without_attendance_level_is_refused(register_url, client, meeting, form_data):
    response = client.post(register_url, {**form_data, "imrf_attendance_level": ""})

    assert "Please say at what level your country expects to attend the IMRF." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_post_fields_of_another_category_are_dropped(register_url, client, meeting, form_data):
    data = {
        **form_data,
        "category": "civil_society",
        "accreditation_route": "ecosoc",
        "imrf_attendance_level": "minister",
    }

    client.post(register_url, data)

    registration = Registration.objects.get()
    assert registration.imrf_attendance_level == ""
    assert registration.accreditation_route == "ecosoc"


def test_register_post_wishing_to_speak_needs_topic_and_coordination(register_url, client, meeting, form_data):
    response = client.post(register_url, {**form_data, "wishes_to_speak": "on", "intervention_coordination": "group"})

    content = response.content.decode()
    assert "Please give the topic of your intervention." in content
    assert "Please name the group you will speak for." in content
    assert not Registration.objects.exists()


def test_register_post_speaking_on_behalf_of_a_group_is_saved(register_url, client, meeting, form_data):
    data = {
        **form_data,
        "wishes_to_speak": "on",
        "intervention_topic": "Pledges of the Western Balkans",
        "intervention_coordination": "group",
        "intervention_group": "Western Balkans States",
    }

    client.post(register_url, data)

    registration = Registration.objects.get()
    assert registration.wishes_to_speak
    assert registration.intervention_group == "Western Balkans States"


def test_register_post_without_csrf_token_is_refused(register_url, meeting, form_data):
    client = Client(enforce_csrf_checks=True)

    response = client.post(register_url, form_data)

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_register_post_honeypot_filled_saves_nothing(register_url, client, meeting, form_data):
    response = client.post(register_url, {**form_data, "website": "http://spam.example"})

    assert response.status_code == 200
    assert not Registration.objects.exists()


@override_settings(REGISTRATION_POSTS_PER_MINUTE=2)
def test_register_post_over_the_rate_limit_is_refused(register_url, client, meeting, form_data):
    client.post(register_url, {**form_data, "email": "one@example.org"})
    client.post(register_url, {**form_data, "email": "two@example.org"})

    response = client.post(register_url, {**form_data, "email": "three@example.org"})

    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert Registration.objects.count() == 2


def test_register_text_in_any_script_is_escaped(register_url, client, meeting, form_data):
    data = {**form_data, "organisation": "<script>alert(1)</script> جمعية المهاجرين"}

    client.post(register_url, data)
    registration = Registration.objects.get()
    page = client.get(reverse("registration:manage", args=[registration.manage_token])).content.decode()

    assert registration.organisation == "<script>alert(1)</script> جمعية المهاجرين"
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; جمعية المهاجرين" in page


def test_thanks_without_a_registration_goes_back_to_the_form(register_url, client, meeting):
    response = client.get(reverse("registration:thanks", args=[meeting.slug]))

    assert response.status_code == 302
    assert response["Location"] == register_url


def _closed_meeting():
    starts = timezone.now() - datetime.timedelta(days=2)
    return MeetingFactory(starts_at=starts, registration_deadline=(starts - datetime.timedelta(days=7)).date())


def test_register_after_deadline_shows_closed_page_with_contact(client, db):
    meeting = _closed_meeting()

    response = client.get(reverse("registration:register", args=[meeting.slug]))

    content = response.content.decode()
    assert "Registration is closed" in content
    assert meeting.contact_email in content
    assert "<form" not in content.split("<main", 1)[1]


def test_register_post_after_deadline_saves_nothing(client, db):
    meeting = _closed_meeting()
    data = {
        "first_name": "Late",
        "last_name": "Comer",
        "email": "late@example.org",
        "job_title": "Adviser",
        "organisation": "NGO",
        "category": "civil_society",
        "country": "BE",
        "listening_language": str(meeting.interpretation_languages.first().pk),
        "gender": "woman",
        "privacy_consent": "on",
    }

    response = client.post(reverse("registration:register", args=[meeting.slug]), data)

    assert response.status_code == 403
    assert "Registration is closed" in response.content.decode()
    assert not Registration.objects.exists()


def test_manage_shows_registration_and_changes_language(client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Ана")
    url = reverse("registration:manage", args=[registration.manage_token])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(listening_language=meeting.interpretation_languages.get(code="fr").pk, country="AZ")

    response = client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.listening_language.code == "fr"
    assert registration.first_name == "Ана"
    assert "Your changes are saved" in client.get(url).content.decode()


def test_manage_invalid_change_saves_nothing(client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    url = reverse("registration:manage", args=[registration.manage_token])

    response = client.post(url, {"first_name": "", "email": registration.email})

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_name


def test_manage_with_unknown_token_is_not_found(client, meeting):
    response = client.get(reverse("registration:manage", args=["not-a-real-token-but-the-right-shape-0123456789"]))

    assert response.status_code == 404


def test_cancel_keeps_the_registration_with_cancelled_status(client, meeting):
    registration = RegistrationFactory(meeting=meeting)

    response = client.post(reverse("registration:cancel", args=[registration.manage_token]))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "Cancelled" in page
    assert "Restore my registration" in page


def test_privacy_notice_says_what_who_how_long_and_contact(client, meeting):
    content = client.get(reverse("registration:privacy", args=[meeting.slug])).content.decode()

    for heading in ("What we keep", "Who sees it", "How long"):
        assert heading in content
    assert "90 days after the meeting" in content
    assert meeting.contact_email in content


def test_register_radio_groups_offer_no_empty_choice(register_url, client, meeting):
    content = client.get(register_url).content.decode()

    assert "---------" not in content
    assert 'name="gender" value=""' not in content


@override_settings(REGISTRATION_POSTS_PER_MINUTE=1)
def test_register_post_still_works_when_the_throttle_cache_is_down(
    register_url, client, meeting, form_data, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr(caches["default"], "add", unreachable)

    response = client.post(register_url, form_data)

    assert response.status_code == 302
    assert Registration.objects.count() == 1


# Attacks from the second review of issue 10: each test performs one.


# Hostile input: a NUL byte in a link's token. PostgreSQL refuses NUL in text: a 500, not a 404.


@pytest.mark.parametrize(
    "path",
    [
        "/register/manage/{token}/",
        "/register/manage/{token}/cancel/",
        "/register/manage/{token}/erase/",
        "/register/email/{token}/confirm/",
        "/register/email/{token}/refuse/",
    ],
)
@pytest.mark.parametrize("token", ["abc%00def" + "x" * 40, "%00" * 30, "x" * 5000])
def test_link_with_a_hostile_token_is_not_found_not_a_server_error(meeting, path, token):
    client = Client(raise_request_exception=False)

    response = client.get(path.format(token=token))

    assert response.status_code == 404


def test_mail_scanner_following_every_link_changes_nothing(client, meeting):
    registration = RegistrationFactory(meeting=meeting, email="old@example.org")
    manage = reverse("registration:manage", args=[registration.manage_token])
    form = client.get(manage).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(
        email="new@example.org",
        listening_language=registration.listening_language.pk,
        country=str(registration.country),
    )
    client.post(manage, data)
    change = EmailChangeRequest.objects.get()
    scanner = Client()

    for name, token in (
        ("email_change_confirm", change.token),
        ("email_change_refuse", change.refuse_token),
        ("erase", registration.manage_token),
        ("cancel", registration.manage_token),
    ):
        assert scanner.get(reverse(f"registration:{name}", args=[token])).status_code == 200

    registration.refresh_from_db()
    change.refresh_from_db()
    assert registration.email == "old@example.org"
    assert registration.anonymised_at is None
    assert not registration.is_cancelled
    assert change.confirmed_at is None and change.refused_at is None
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.EMAIL_CHANGE_CONFIRM).count() == 1
