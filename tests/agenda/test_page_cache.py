"""The meeting and agenda pages are cached, and an organiser's change shows on the next request."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache

from agenda.cache import pages_forget_local
from agenda.models import GcmObjective, NoteLink
from agenda.services import meeting_load_imrf
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_agenda_page_is_served_from_cache_without_queries(client, django_assert_num_queries):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Welcome and opening remarks")
    client.get(f"/{meeting.slug}/agenda/")

    with django_assert_num_queries(0):
        response = client.get(f"/{meeting.slug}/agenda/")

    assert "Welcome and opening remarks" in response.content.decode()


def test_agenda_change_appears_on_the_next_request(client):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Welcome and opening remarks")
    client.get(f"/{meeting.slug}/agenda/")

    item.title = "Welcome, opening remarks and pledges"
    item.save()
    response = client.get(f"/{meeting.slug}/agenda/")

    assert "Welcome, opening remarks and pledges" in response.content.decode()


def test_objective_title_change_appears_on_the_agenda(client):
    meeting = meeting_load_imrf()
    client.get(f"/{meeting.slug}/agenda/")

    objective = GcmObjective.objects.get(number=8)
    objective.title = "Save lives and establish coordinated international efforts on missing migrants (revised)"
    objective.save()
    response = client.get(f"/{meeting.slug}/agenda/")

    assert "missing migrants (revised)" in response.content.decode()


def test_meeting_page_change_of_title_appears_on_the_next_request(client):
    meeting = MeetingFactory(title="Old title")
    client.get(f"/{meeting.slug}/")

    meeting.title = "100 Days to the IMRF: new title"
    meeting.save()
    response = client.get(f"/{meeting.slug}/")

    assert "100 Days to the IMRF: new title" in response.content.decode()


def test_meeting_page_is_not_served_from_cache_after_registration_closes(client):
    meeting = MeetingFactory()
    assert "Registration is open." in client.get(f"/{meeting.slug}/").content.decode()

    with mock.patch("django.utils.timezone.now", return_value=meeting.registration_closes_at):
        response = client.get(f"/{meeting.slug}/")

    assert "Registration is closed." in response.content.decode()


def test_meeting_page_cached_a_minute_before_registration_closes_says_closed_when_it_does(client):
    meeting = MeetingFactory()
    closes = meeting.registration_closes_at
    with mock.patch("django.utils.timezone.now", return_value=closes - datetime.timedelta(minutes=1)):
        assert "Registration is open." in client.get(f"/{meeting.slug}/").content.decode()

    with mock.patch("django.utils.timezone.now", return_value=closes):
        response = client.get(f"/{meeting.slug}/")

    assert "Registration is closed." in response.content.decode()


def test_change_saved_in_another_process_appears_within_the_version_check(client, settings):
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 0
    meeting = MeetingFactory(title="Old title")
    client.get(f"/{meeting.slug}/")

    # Another process saved: the shared version moved, this process's copy did not.
    Meeting = type(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(title="Title saved elsewhere")
    cache.set("agenda:pages:version", 12345, None)
    response = client.get(f"/{meeting.slug}/")

    assert "Title saved elsewhere" in response.content.decode()


def test_pages_are_served_when_the_shared_cache_is_down(client, monkeypatch):
    meeting = MeetingFactory(title="Still here")

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr("agenda.cache.cache.get_or_set", unreachable)
    monkeypatch.setattr("agenda.cache.cache.get", unreachable)
    monkeypatch.setattr("agenda.cache.cache.set", unreachable)
    pages_forget_local()

    response = client.get(f"/{meeting.slug}/")

    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_registration_form_is_rendered_once_and_follows_language_changes(client, django_assert_max_num_queries):
    meeting = MeetingFactory()
    client.get(f"/{meeting.slug}/register/")

    with django_assert_max_num_queries(0):
        response = client.get(f"/{meeting.slug}/register/")

    assert 'name="listening_language"' in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    language = meeting.interpretation_languages.get(code="fr")
    language.name = "Français (French)"
    language.save()
    assert "Français (French)" in client.get(f"/{meeting.slug}/register/").content.decode()


def test_agenda_page_is_cached_per_language(client):
    meeting = MeetingFactory()
    english = client.get(f"/{meeting.slug}/agenda/").content.decode()
    client.cookies["django_language"] = "fr"

    french = client.get(f"/{meeting.slug}/agenda/").content.decode()
    del client.cookies["django_language"]
    english_again = client.get(f"/{meeting.slug}/agenda/").content.decode()

    assert '<html lang="en">' in english
    assert '<html lang="fr">' in french
    assert english_again == english


def test_concept_note_is_served_from_cache_and_a_filled_link_appears_on_the_next_request(
    client, django_assert_num_queries
):
    meeting = meeting_load_imrf()
    client.get(f"/{meeting.slug}/concept-note/")
    with django_assert_num_queries(0):
        cached = client.get(f"/{meeting.slug}/concept-note/")
    link = NoteLink.objects.get(key="un-network-website")
    link.url = "https://migrationnetwork.un.org/"
    link.save()

    response = client.get(f"/{meeting.slug}/concept-note/")

    assert "Whilst recognizing the GCM" in cached.content.decode()
    assert '<a href="https://migrationnetwork.un.org/">UN Migration Network website</a>' in response.content.decode()


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize("path", ["/{slug}/", "/{slug}/agenda/", "/{slug}/register/"])
def test_page_with_an_unknown_query_string_comes_from_the_cache(client, path, django_assert_num_queries):
    meeting = MeetingFactory()
    url = path.format(slug=meeting.slug)
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url, {"utm_source": "newsletter", "x": "https://evil.example/"})

    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()
    assert "utm_source" not in response.content.decode()
