"""Issue 19, Low 12: the team field finds staff by search, for those who may edit the meeting (team_autocomplete.py)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import MeetingFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_editor(client):
    # Only a superuser changes a meeting's team (the team's own organisers see its names read-only).
    meeting = MeetingFactory()
    editor = User.objects.create_superuser(username="editor", password="not-used")
    user_create(username="alice-colleague", group=ORGANISERS)
    User.objects.create_user(username="alice-participant", password="not-used")  # not staff
    client.force_login(editor)
    return meeting


def _team_search(client, term):
    return client.get(
        "/admin/autocomplete/", {"term": term, "app_label": "agenda", "model_name": "meeting", "field_name": "team"}
    )


def test_meeting_page_does_not_list_every_user_of_the_site(client, meeting_editor):
    content = client.get(reverse("admin:agenda_meeting_change", args=[meeting_editor.pk])).content.decode()

    assert "alice-participant" not in content
    assert "alice-colleague" not in content


def test_team_search_finds_staff_only_and_needs_a_few_letters(client, meeting_editor):
    found = _team_search(client, "alice")
    nothing = _team_search(client, "")

    assert [result["text"] for result in found.json()["results"]] == ["alice-colleague"]
    assert nothing.json()["results"] == []


def test_team_search_is_refused_to_staff_who_cannot_edit_meetings(client, meeting_editor):
    # Organisers may change their meetings since the team runs its meeting (data migration 0018): Viewers may not.
    client.force_login(user_create(username="viewer-only", group=VIEWERS))

    assert _team_search(client, "alice").status_code == 403


def test_a_forged_post_cannot_put_a_non_staff_user_on_the_team(client, meeting_editor):
    # Only a superuser's form has the team field (a team organiser sees the names read-only).
    client.force_login(User.objects.create_superuser(username="root", password="not-used"))
    participant = User.objects.get(username="alice-participant")
    url = reverse("admin:agenda_meeting_change", args=[meeting_editor.pk])
    form = client.get(url).context["adminform"].form

    assert not form.fields["team"].queryset.filter(pk=participant.pk).exists()
