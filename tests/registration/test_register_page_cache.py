"""The registration page comes from the cache, yet every visitor gets a CSRF token of their own."""

import re
from unittest import mock

import pytest
from django.test import Client

from registration.models import Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _visit(client, url, **headers):
    response = client.get(url, **headers)
    tokens = TOKEN.findall(response.content.decode())
    assert len(tokens) == 1
    return response, tokens[0]


def test_register_page_is_served_from_cache_without_queries(client, register_url, django_assert_num_queries):
    client.get(register_url)

    with django_assert_num_queries(0):
        response = client.get(register_url)

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_register_page_from_cache_gives_each_visitor_a_token_that_registers(meeting, register_url, form_data):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    first_page, first_token = _visit(first, register_url)
    second_page, second_token = _visit(second, register_url)
    first_post = first.post(register_url, {**form_data, "csrfmiddlewaretoken": first_token})
    second_post = second.post(
        register_url, {**form_data, "email": "ana@example.org", "csrfmiddlewaretoken": second_token}
    )

    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for page in (first_page, second_page):
        assert "csrftoken" in page.cookies
        assert "Cookie" in page["Vary"]
    assert (first_post.status_code, second_post.status_code) == (302, 302)
    assert set(Registration.objects.values_list("email", flat=True)) == {form_data["email"], "ana@example.org"}


def test_register_post_with_another_visitors_token_is_refused(register_url, form_data):
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _visit(victim, register_url)
    _, victim_token = _visit(victim, register_url)
    _visit(attacker, register_url)

    response = attacker.post(register_url, {**form_data, "csrfmiddlewaretoken": victim_token})

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_register_page_from_cache_never_shows_another_visitors_token(register_url):
    first, second = Client(), Client()
    _, first_token = _visit(first, register_url)

    second_page, _ = _visit(second, register_url)

    assert first_token not in second_page.content.decode()
    assert first.cookies["csrftoken"].value not in second_page.content.decode()


def test_register_page_changes_when_the_meeting_is_edited(client, meeting, register_url):
    client.get(register_url)

    meeting.title = "100 Days to the IMRF: the edited title"
    meeting.save()
    response = client.get(register_url)

    assert "100 Days to the IMRF: the edited title" in response.content.decode()


def test_register_page_is_kept_per_language(client, register_url):
    english, english_token = _visit(client, register_url, headers={"accept-language": "en"})

    french, _ = _visit(client, register_url, headers={"accept-language": "fr"})
    english_again, again_token = _visit(client, register_url, headers={"accept-language": "en"})

    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()
    assert french["Content-Language"] == "fr"
    # The same English page again, only the token differs.
    assert english_again.content.decode().replace(again_token, english_token) == english.content.decode()


def test_register_page_query_string_is_not_kept_for_other_visitors(client, register_url):
    # The language switcher carries the page's full path: a link with a query must not reach the cache.
    client.get(f"{register_url}?next=https://evil.example/")

    response = Client().get(register_url)

    assert "evil.example" not in response.content.decode()
    assert f'name="next" value="{register_url}"' in response.content.decode()


def test_register_page_from_cache_has_no_inline_script_and_a_strict_policy(client, register_url):
    client.get(register_url)

    response = client.get(register_url)

    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    assert all(" src=" in script for script in scripts)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_register_page_is_not_served_from_cache_after_registration_closes(client, meeting, register_url):
    client.get(register_url)

    with mock.patch("django.utils.timezone.now", return_value=meeting.registration_closes_at):
        response = client.get(register_url)

    assert 'name="email"' not in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_register_post_answer_stays_uncached_with_values_kept(client, register_url, form_data):
    _, token = _visit(client, register_url)

    response = client.post(register_url, {**form_data, "email": "not an address", "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'value="not an address"' in response.content.decode()
    assert not Registration.objects.exists()
    assert "not an address" not in client.get(register_url).content.decode()
