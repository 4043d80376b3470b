"""The form's fields are prepared once per meeting and language: no form sees another's errors, language or meeting."""

import re

import pytest

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
