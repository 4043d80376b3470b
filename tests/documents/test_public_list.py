"""The public meeting page's "States and organisations represented", and the full list once the team publishes it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import ListOfParticipants
from documents.services import list_of_participants_publish
from tests.documents.conftest import listed
from tests.factories import MeetingFactory
from tests.registration.roles import VIEWERS, user_create

pytestmark = pytest.mark.django_db

PUBLISH = reverse("admin:documents_listofparticipants_publish")


def _meeting_page(client, meeting, language="en"):
    client.cookies["django_language"] = language
    return client.get(reverse("agenda:meeting", args=[meeting.slug])).content.decode()


def test_meeting_page_has_no_section_until_the_team_publishes(client, meeting, participants):
    page = _meeting_page(client, meeting)

    assert "States and organisations represented" not in page
    assert "Switzerland" not in page


def test_organiser_publishes_and_the_page_shows_states_and_organisations_but_no_names(
    client, organiser, meeting, participants, not_listed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PUBLISH, {"meeting": meeting.pk, "action": "publish"})

    assert response.status_code == 302
    page = _meeting_page(client, meeting)
    assert "States and organisations represented" in page
    for name in ("Egypt", "Germany", "Switzerland", "Holy See", "IOM", "UNHCR", "OECD", "Caritas"):
        assert name in page
    for registration in (*participants.values(), *not_listed):
        assert registration.last_name not in page and registration.last_name.upper() not in page
    # Those who did not agree, or are not confirmed, bring no State either.
    for state in ("France", "Italy", "Spain", "Portugal", "Netherlands"):
        assert state not in page
    assert reverse("documents:participants", args=[meeting.slug]) not in page


def test_public_section_names_the_states_in_the_readers_language_and_order(client, meeting, participants):
    list_of_participants_publish(meeting=meeting, names_published=False)

    page = _meeting_page(client, meeting, "ru")

    assert "Представленные государства и организации" in page
    assert page.index("Германия") < page.index("Египет") < page.index("Швейцария")
    assert "Святой Престол" in page


def test_withdrawn_consent_leaves_the_next_published_version(client, meeting, participants):
    list_of_participants_publish(meeting=meeting, names_published=False)
    participants["switzerland"].listed_publicly = False
    participants["switzerland"].save()

    list_of_participants_publish(meeting=meeting, names_published=False)

    assert "Switzerland" not in _meeting_page(client, meeting)


def test_full_list_is_not_found_until_names_are_published(client, meeting, participants):
    url = reverse("documents:participants", args=[meeting.slug])
    assert client.get(url).status_code == 404
    list_of_participants_publish(meeting=meeting, names_published=False)
    assert client.get(url).status_code == 404

    list_of_participants_publish(meeting=meeting, names_published=True)

    page = client.get(url).content.decode()
    assert "Mr Jan SCHMIDT" in page and "Ms Anna HUBER" in page
    assert url in _meeting_page(client, meeting)


def test_full_list_is_read_live_so_an_erased_participant_leaves_it_at_once(client, meeting, participants):
    list_of_participants_publish(meeting=meeting, names_published=True)
    participants["germany"].anonymised_at = timezone.now()
    participants["germany"].save()

    page = client.get(reverse("documents:participants", args=[meeting.slug])).content.decode()

    assert "SCHMIDT" not in page


def test_draft_meetings_list_is_not_found_even_when_published(client, participants):
    draft = MeetingFactory(is_published=False)
    listed(draft, last_name="Hidden", country="FR")
    list_of_participants_publish(meeting=draft, names_published=True)

    assert client.get(reverse("documents:participants", args=[draft.slug])).status_code == 404


def test_another_teams_organiser_cannot_publish_its_list(client, organiser, participants):
    other = MeetingFactory()
    listed(other, last_name="Secretive", country="FR")

    response = client.post(PUBLISH, {"meeting": other.pk, "action": "publish", "names_published": "on"})

    assert response.status_code == 404
    assert not ListOfParticipants.objects.filter(meeting=other).exists()


def test_viewer_cannot_publish_and_get_is_refused(client, meeting, participants):
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))

    assert client.post(PUBLISH, {"meeting": meeting.pk, "action": "publish"}).status_code == 403
    assert not ListOfParticipants.objects.exists()


def test_withdrawing_takes_the_section_off_the_page(client, organiser, meeting, participants):
    list_of_participants_publish(meeting=meeting, names_published=True)

    client.post(PUBLISH, {"meeting": meeting.pk, "action": "withdraw"})

    assert "States and organisations represented" not in _meeting_page(client, meeting)
    assert ListOfParticipants.objects.get(meeting=meeting).represented == []


def test_publishing_refreshes_the_cached_meeting_page(
    client, meeting, participants, page_cache, django_capture_on_commit_callbacks
):
    assert "Switzerland" not in _meeting_page(client, meeting)

    with django_capture_on_commit_callbacks(execute=True):
        list_of_participants_publish(meeting=meeting, names_published=False)

    assert "Switzerland" in _meeting_page(client, meeting)
