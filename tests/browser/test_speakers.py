"""Issue 14 in a real browser: an organiser accepts a speaker, whose manage page then shows the speakers' link."""

import pytest
from playwright.sync_api import expect

from tests.factories import JoiningDetailsFactory, MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTICIPANTS = "https://zoom.example.org/j/100days-participants"
SPEAKERS = "https://zoom.example.org/j/100days-speakers"


@pytest.fixture
def meeting():
    meeting = MeetingFactory()
    # Shown from 40 days before a meeting 30 days away: visible now.
    JoiningDetailsFactory(meeting=meeting, shown_from_days_before=40)
    return meeting


@pytest.fixture
def organiser_page(signed_in_page, meeting):
    return signed_in_page(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))


def test_accepted_speaker_sees_the_speakers_link_and_another_participant_only_the_participants_link(
    live_server, organiser_page, new_page, axe_violations, meeting
):
    speaker = RegistrationFactory(
        meeting=meeting, first_name="Amina", category="member_state", wishes_to_speak=True, intervention_topic="Labour"
    )
    listener = RegistrationFactory(meeting=meeting, first_name="Ђорђе")
    page = organiser_page

    page.goto(f"{live_server.url}/admin/registration/registration/")
    page.locator(f"input[name='_selected_action'][value='{speaker.pk}']").check()
    page.locator("select[name='action']").select_option(label="Accept the selected requests to take the floor")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 accepted and emailed")
    page.goto(f"{live_server.url}/admin/registration/floordecision/chair/")
    expect(page.locator(".speakers-list-table")).to_contain_text("Amina")
    chair_violations = axe_violations(page)
    speaker_page = new_page()
    speaker_page.goto(f"{live_server.url}/register/manage/{speaker.manage_token}/")
    listener_page = new_page()
    listener_page.goto(f"{live_server.url}/register/manage/{listener.manage_token}/")

    expect(speaker_page.locator(".joining-link")).to_have_text(SPEAKERS)
    expect(listener_page.locator(".joining-link")).to_have_text(PARTICIPANTS)
    assert SPEAKERS not in listener_page.content()
    assert chair_violations == [], "\n".join(chair_violations)
    manage_violations = axe_violations(speaker_page)
    assert manage_violations == [], "\n".join(manage_violations)
