"""The form's fields are prepared once per meeting and language: no form sees another's errors, language or meeting."""

import re

import pytest
from django.urls import reverse

from registration.models import Registration
from tests.factories import MeetingFactory, RegistrationFactory, registration_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def test_errors_shown_to_one_participant_are_not_marked_on_the_next_ones_form(client, register_url, form_data):
    first = client.post(register_url, {**form_data, "email": ""})
    second = client.post(register_url, {**form_data, "first_name": ""})

    assert "is-invalid" in _input(first.content.decode(), "email")
    assert "is-invalid" not in _input(second.content.decode(), "email")
    assert "is-invalid" in _input(second.content.decode(), "first_name")
    assert "is-invalid" not in _input(second.content.decode(), "last_name")


def test_a_form_in_french_after_one_in_english_is_in_french_and_back(client, register_url, form_data):
    def invalid_post(language):
        return client.post(register_url, {**form_data, "email": ""}, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    english, french, english_again = invalid_post("en"), invalid_post("fr"), invalid_post("en")

    # The privacy consent's label, with its link, is written when the fields are prepared.
    assert "I have read the" in english and "J'ai lu" not in english
    assert "J'ai lu" in french and "I have read the" not in french
    assert "Choisissez une catégorie" in french
    assert english_again == english.replace(_csrf(english), _csrf(english_again))


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def test_a_meeting_that_stops_asking_the_diversity_questions_drops_them_from_the_next_form(
    client, meeting, register_url, form_data
):
    before = client.post(register_url, {**form_data, "email": ""}).content.decode()
    meeting.asks_diversity = False
    meeting.save()
    after = client.post(register_url, {**form_data, "email": ""}).content.decode()

    assert 'name="gender"' in before
    assert 'name="gender"' not in after


# Attacks on the prepared form fields.


def test_a_meeting_without_the_diversity_questions_does_not_get_them_from_another_meetings_form(client, page_cache):
    asking = MeetingFactory(asks_diversity=True)
    silent = MeetingFactory(asks_diversity=False)

    first = client.post(reverse("registration:register", args=[asking.slug]), registration_answers(asking, email=""))
    second = client.post(reverse("registration:register", args=[silent.slug]), registration_answers(silent, email=""))

    assert 'name="gender"' in first.content.decode()
    assert 'name="gender"' not in second.content.decode()
    assert f"/{silent.slug}/" in second.content.decode()


def test_a_crafted_country_is_refused_and_nothing_is_stored(client, meeting, page_cache):
    url = reverse("registration:register", args=[meeting.slug])

    answers = [
        client.post(url, registration_answers(meeting, country=value, email=f"c{index}@example.hr")).status_code
        for index, value in enumerate(("hr", "UNECE member States", "All other countries and territories", " HR"))
    ]

    assert answers == [200, 200, 200, 200]
    assert not Registration.objects.exists()


def test_the_manage_page_form_after_a_public_form_keeps_the_privacy_box_away_and_the_next_public_form_has_it(
    client, meeting, page_cache
):
    registration = RegistrationFactory(meeting=meeting)
    register_url = reverse("registration:register", args=[meeting.slug])
    client.post(register_url, registration_answers(meeting, email=""))

    manage = client.get(reverse("registration:manage", args=[registration.manage_token]))
    public = client.post(register_url, registration_answers(meeting, email=""))

    assert manage.status_code == 200
    assert 'name="privacy_consent"' not in manage.content.decode()
    assert 'name="privacy_consent"' in public.content.decode()
