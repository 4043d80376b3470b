"""Issue 22 in a real browser: Austria's focal point nominates, the team confirms, members answer for themselves."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import expect

from delegations.models import Entity, FocalPoint
from registration.models import Registration
from tests.factories import MeetingFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _signed_in_focal_point(live_server, new_page, email):
    page = new_page()
    page.goto(f"{live_server.url}/focal-point/sign-in/")
    page.locator("#id_email").fill(email)
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.locator("main")).to_contain_text("sign-in link is on its way")
    link = re.search(r"https?://\S+/focal-point/sign-in/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Sign in").click()
    return page


def _nominate(page, *, first_name, email, role, language):
    page.locator("[name=first_name]").fill(first_name)
    page.locator("[name=last_name]").fill("Gruber")
    page.locator("[name=job_title]").fill("Counsellor")
    page.locator("#id_email").fill(email)
    page.locator("[name=role]").select_option(role)
    page.locator("#id_language").select_option(language)
    page.locator("[name=privacy_informed]").check()
    page.get_by_role("button", name="Nominate", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("is nominated")


def test_austria_nominates_the_team_confirms_and_members_answer_for_themselves(
    live_server, signed_in_page, new_page, axe_violations, tmp_path
):
    meeting = MeetingFactory()
    organiser = signed_in_page(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))
    hungary = Entity.objects.create(kind=Entity.Kind.MEMBER_STATE, country="HU")
    FocalPoint.objects.create(entity=hungary, name="Kovács Péter", email="peter@mfa.example.hu")

    # A superuser names focal points: one reaches their State's delegation to every meeting, whichever team's.
    superuser = signed_in_page(User.objects.create_superuser(username="admin", password="not-used"))
    superuser.goto(f"{live_server.url}/admin/delegations/entity/add/")
    superuser.locator("#id_country").select_option("AT")
    superuser.locator("#id_focal_points-0-name").fill("Anna Huber")
    superuser.locator("#id_focal_points-0-email").fill("anna@bmeia.example.at")
    superuser.locator("input[name=_save]").click()
    expect(superuser.locator(".messagelist")).to_be_visible()
    assert mail.outbox[-1].to == ["anna@bmeia.example.at"]

    page = _signed_in_focal_point(live_server, new_page, "anna@bmeia.example.at")
    page.get_by_role("button", name="Nominate the delegation").click()
    _nominate(page, first_name="Maria", email="maria@bmeia.example.at", role="head", language="fr")
    _nominate(page, first_name="Jonas", email="jonas@bmeia.example.at", role="member", language="es")
    _nominate(page, first_name="Lena", email="lena@bmeia.example.at", role="member", language="ru")
    pdf = tmp_path / "note-verbale.pdf"
    pdf.write_bytes(PDF)
    page.locator("input[name=file]").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".alert-success")).to_contain_text("credentials are uploaded")
    focal_point_violations = axe_violations(page)
    delegation_path = page.url.split(live_server.url, 1)[1]

    organiser.goto(f"{live_server.url}/admin/delegations/delegation/")
    organiser.locator("input[name=_selected_action]").first.check()
    organiser.locator("select[name=action]").select_option("verify_credentials")
    organiser.get_by_role("button", name="Go").click()
    organiser.locator("input[name=_selected_action]").first.check()
    organiser.locator("select[name=action]").select_option("confirm")
    organiser.get_by_role("button", name="Go").click()
    expect(organiser.locator(".messagelist")).to_contain_text("confirmations")

    emails = {message.to[0]: message for message in mail.outbox if "/register/manage/" in message.body}
    assert set(emails) == {"maria@bmeia.example.at", "jonas@bmeia.example.at", "lena@bmeia.example.at"}
    assert "délégation" in emails["maria@bmeia.example.at"].body
    assert "delegación" in emails["jonas@bmeia.example.at"].body
    assert "делегации" in emails["lena@bmeia.example.at"].body
    manage = re.search(r"https?://\S+/register/manage/\S+/", emails["maria@bmeia.example.at"].body).group(0)
    member_page = new_page()
    member_page.goto(live_server.url + "/" + manage.split("://", 1)[1].split("/", 1)[1])
    member_page.locator("[name=gender][value=woman]").check()
    member_page.locator("[name=diversity_consent]").check()
    member_page.locator("form.registration-form [type=submit]").click()
    expect(member_page.locator(".alert-success")).to_be_visible()
    assert Registration.objects.get(email="maria@bmeia.example.at").gender == "woman"

    other = _signed_in_focal_point(live_server, new_page, "peter@mfa.example.hu")
    expect(other.locator("main")).not_to_contain_text("Austria")
    response = other.goto(live_server.url + delegation_path)
    assert response.status == 404
    assert focal_point_violations == []
