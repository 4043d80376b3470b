"""A team organiser's day in the admin, without a superuser (issue 20): every page passes axe, another team sees none.

Switch approval on, move the deadline, add a registration on someone's behalf, decline one with a reason,
copy and publish the meeting; then the organiser of a second team finds none of it.
"""

import datetime

import pytest
from django.core import mail as django_mail
from playwright.sync_api import expect

from agenda.models import Meeting
from registration.models import Registration, RegistrationEvent
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

# serialized_rollback: the roles migration's groups come back after each transactional test's flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def ours():
    return MeetingFactory(slug="regional-review", title="Regional Review", short_name="Review")


def _no_violations(page, axe_violations):
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n" + "\n".join(violations)


def test_a_team_organiser_runs_the_meeting_and_a_second_team_sees_none_of_it(
    live_server, signed_in_page, axe_violations, ours
):
    olga = user_create(username="olga", group=ORGANISERS, teams=[ours])
    page = signed_in_page(olga)
    admin = f"{live_server.url}/admin/"

    # Approval on, the deadline a week later.
    page.goto(admin)
    _no_violations(page, axe_violations)
    page.get_by_role("link", name="Meetings").click()
    _no_violations(page, axe_violations)
    page.get_by_role("link", name="Regional Review").click()
    expect(page.get_by_role("heading", name="Change meeting")).to_be_visible()
    _no_violations(page, axe_violations)
    page.get_by_label("Registrations need approval").check()
    new_deadline = ours.registration_deadline + datetime.timedelta(days=7)
    page.get_by_label("Registration deadline").fill(new_deadline.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    ours.refresh_from_db()
    assert ours.requires_approval and ours.registration_deadline == new_deadline

    # A minister's office emails the names: registered on their behalf, emailed in French.
    page.goto(f"{admin}registration/registration/add/")
    _no_violations(page, axe_violations)
    fill = {
        "first_name": "Anne",
        "last_name": "Lefèvre",
        "email": "anne@diplomatie.example.fr",
        "job_title": "Ministre",
        "organisation": "Ministère de l'Intérieur",
    }
    for name, value in fill.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_meeting").select_option(label=str(ours))
    page.get_by_role("combobox", name="Language of their emails").select_option("fr")
    page.locator("#id_category").select_option("member_state")
    page.locator("#id_country").select_option("FR")
    page.locator("#id_imrf_attendance_level").select_option("minister")
    page.locator("#id_listening_language").select_option(label="French")
    page.get_by_label("has been given the privacy notice", exact=False).check()
    page.get_by_label("Note").fill("Email of the Permanent Mission, 3 March")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    _no_violations(page, axe_violations)
    anne = Registration.objects.get(email="anne@diplomatie.example.fr")
    page.goto(f"{admin}registration/registration/{anne.pk}/change/")
    expect(page.get_by_text("Registered on the participant's behalf", exact=False)).to_be_visible()
    _no_violations(page, axe_violations)
    assert anne.status == Registration.Status.ACTIVE and anne.language == "fr"

    # A pending one declined with a reason the participant reads.
    pending = RegistrationFactory(meeting=ours, status=Registration.Status.PENDING, first_name="Irina")
    page.goto(f"{admin}registration/registration/{pending.pk}/change/")
    _no_violations(page, axe_violations)
    page.get_by_role("link", name="Decline with a reason").click()
    _no_violations(page, axe_violations)
    page.get_by_label("Reason", exact=False).fill("Two places per delegation; the webcast is open to all.")
    page.get_by_role("button", name="Decline with a reason").click()
    expect(page.locator(".messagelist")).to_contain_text("declined")
    pending.refresh_from_db()
    assert pending.status == Registration.Status.DECLINED
    assert pending.events.get().act == RegistrationEvent.Act.DECLINED
    assert "Two places per delegation" in django_mail.outbox[-1].body

    # Copy as a draft, then publish the copy.
    page.goto(f"{admin}agenda/meeting/{ours.pk}/change/")
    page.get_by_role("link", name="Copy as a draft").click()
    _no_violations(page, axe_violations)
    page.get_by_label("Slug of the new meeting").fill("regional-review-2028")
    page.get_by_label("Title of the new meeting").fill("Regional Review 2028")
    page.get_by_label("Day the new meeting starts").fill("2028-03-07")
    page.get_by_role("button", name="Copy as a draft").click()
    expect(page.locator(".messagelist")).to_contain_text("is copied as a draft")
    page.goto(f"{admin}agenda/meeting/")
    page.get_by_role("checkbox", name="Select this object for an action - Regional Review 2028").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("1 meeting published")
    assert Meeting.objects.get(slug="regional-review-2028").is_published

    # The reminders and the registrations list of this meeting, for axe too.
    reminder = ours.reminders.first()
    for address in (
        "registration/reminder/",
        f"registration/reminder/{reminder.pk}/change/" if reminder else "registration/reminder/add/",
        "registration/registration/",
        "agenda/agendaitem/",
        "agenda/agendaitem/add/",
        "agenda/notesection/add/",
        "registration/joiningdetails/add/",
    ):
        page.goto(admin + address)
        _no_violations(page, axe_violations)

    # The organiser of a second team: none of it.
    theirs = MeetingFactory(slug="another-meeting", title="Another meeting")
    boris = user_create(username="boris", group=ORGANISERS, teams=[theirs])
    other = signed_in_page(boris)
    other.goto(f"{admin}agenda/meeting/")
    expect(other.get_by_role("link", name="Another meeting")).to_be_visible()
    expect(other.get_by_text("Regional Review")).to_have_count(0)
    other.goto(f"{admin}registration/registration/")
    expect(other.get_by_text("Lefèvre")).to_have_count(0)
    expect(other.get_by_text("Irina")).to_have_count(0)
    other.goto(f"{admin}agenda/meeting/{ours.pk}/change/")
    expect(other.locator(".messagelist")).to_contain_text("doesn’t exist")
    other.goto(f"{admin}registration/registration/{anne.pk}/change/")
    expect(other.locator(".messagelist")).to_contain_text("doesn’t exist")
