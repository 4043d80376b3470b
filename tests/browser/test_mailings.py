"""A team organiser writes a message to the French-speaking registrants: preview, test to oneself, confirm, send."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from mailings.models import Mailing
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def meeting():
    meeting = MeetingFactory(short_name="IMRF 100 days")
    french = meeting.interpretation_languages.get(code="fr")
    RegistrationFactory(
        meeting=meeting,
        first_name="Claire",
        last_name="Martin",
        email="claire.martin@interieur.example.fr",
        language="fr",
        listening_language=french,
    )
    RegistrationFactory(meeting=meeting, first_name="John", email="john@example.org", language="en")
    return meeting


@pytest.fixture
def team_organiser(meeting):
    """Staff, in the Organisers group and on the meeting's team, not a superuser."""
    user = user_create(username="amal", group=ORGANISERS, teams=[meeting])
    user.email = "amal@iom.example.int"
    user.save()
    return user


def _no_violations(axe_violations, page):
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_team_organiser_writes_previews_tests_and_sends_to_french_listeners(
    live_server, signed_in_page, axe_violations, meeting, team_organiser
):
    page = signed_in_page(team_organiser)

    page.goto(f"{live_server.url}/admin/mailings/mailing/add/")
    _no_violations(axe_violations, page)
    page.locator("#id_meeting").select_option(str(meeting.pk))
    page.locator("#id_subject_en").fill("The joining link changed")
    page.locator("#id_body_en").fill("Dear {first_name},\n\nThe joining link has changed.")
    page.locator("#id_subject_fr").fill("Le lien de connexion a changé")
    page.locator("#id_body_fr").fill("Bonjour {first_name},\n\nLe lien de connexion a changé.")
    page.get_by_label("French", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("h1")).to_contain_text("Preview")
    expect(page.locator("body")).to_contain_text("Bonjour Claire,")
    _no_violations(axe_violations, page)
    page.get_by_label("Language of the test").select_option("fr")
    page.get_by_role("button", name="Send a test to amal@iom.example.int").click()
    expect(page.locator(".messagelist")).to_contain_text("A test was sent to amal@iom.example.int")
    page.get_by_role("link", name="Continue: check the recipients and send").click()

    expect(page.locator("body")).to_contain_text("This message will be sent to 1 registrant.")
    _no_violations(axe_violations, page)
    page.get_by_role("button", name="Send to 1 registrant").click()

    expect(page.locator(".messagelist")).to_contain_text("The message is being sent to 1 registrant.")
    _no_violations(axe_violations, page)
    recipients = [message.to for message in mail.outbox]
    assert recipients == [["amal@iom.example.int"], ["claire.martin@interieur.example.fr"]]
    assert mail.outbox[1].subject == "[IMRF 100 days] Le lien de connexion a changé"
    assert Mailing.objects.get().recipients_count == 1


def test_second_teams_organiser_sees_none_of_it(live_server, signed_in_page, meeting):
    Mailing.objects.create(meeting=meeting, subject_en="Documents are posted", body_en="See the site.")
    mailing = Mailing.objects.get()
    other = user_create(username="other-team", group=ORGANISERS, teams=[MeetingFactory()])
    page = signed_in_page(other)

    page.goto(f"{live_server.url}/admin/mailings/mailing/")
    expect(page.locator("#content")).not_to_contain_text("Documents are posted")
    response = page.goto(f"{live_server.url}/admin/mailings/mailing/{mailing.pk}/preview/")

    assert response.status == 404
