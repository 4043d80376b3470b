"""The meeting and agenda pages are cached, and an organiser's change shows on the next request."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from agenda.models import GcmObjective
from agenda.services import meeting_load_imrf
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache():
    cache.clear()
    with override_settings(PAGE_CACHE_TIMEOUT=datetime.timedelta(minutes=10)):
        yield
    cache.clear()


def test_agenda_page_is_served_from_cache_without_queries(client, django_assert_num_queries):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Welcome and opening remarks")
    client.get("/agenda/")

    with django_assert_num_queries(0):
        response = client.get("/agenda/")

    assert "Welcome and opening remarks" in response.content.decode()


def test_agenda_change_appears_on_the_next_request(client):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Welcome and opening remarks")
    client.get("/agenda/")

    item.title = "Welcome, opening remarks and pledges"
    item.save()
    response = client.get("/agenda/")

    assert "Welcome, opening remarks and pledges" in response.content.decode()


def test_objective_title_change_appears_on_the_agenda(client):
    meeting_load_imrf()
    client.get("/agenda/")

    objective = GcmObjective.objects.get(number=8)
    objective.title = "Save lives and establish coordinated international efforts on missing migrants (revised)"
    objective.save()
    response = client.get("/agenda/")

    assert "missing migrants (revised)" in response.content.decode()


def test_meeting_page_change_of_title_appears_on_the_next_request(client):
    meeting = MeetingFactory(title="Old title")
    client.get("/")

    meeting.title = "100 Days to the IMRF: new title"
    meeting.save()
    response = client.get("/")

    assert "100 Days to the IMRF: new title" in response.content.decode()


def test_meeting_page_is_not_served_from_cache_after_registration_closes(client):
    meeting = MeetingFactory()
    assert "Registration is open." in client.get("/").content.decode()

    with mock.patch("django.utils.timezone.now", return_value=meeting.registration_closes_at):
        response = client.get("/")

    assert "Registration is closed." in response.content.decode()
