"""Registering for several meetings: one registration per meeting, the old form address, links already emailed."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MANAGE_LINK = re.compile(r"https?://[^/\s]+(/register/manage/[A-Za-z0-9_-]{20,}/)")


@pytest.fixture
def second_meeting(meeting):
    return MeetingFactory(slug="regional-review", title="Regional Review of the Global Compact")


def _register(client, meeting, form_data, **changes):
    return client.post(reverse("registration:register", args=[meeting.slug]), {**form_data, **changes})


def test_same_email_registers_for_both_meetings_and_gets_each_meetings_confirmation(
    client, meeting, second_meeting, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(client, meeting, form_data)
        second = _register(client, second_meeting, form_data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == reverse("registration:thanks", args=[second_meeting.slug])
    registrations = Registration.objects.order_by("pk")
    assert [r.meeting for r in registrations] == [meeting, second_meeting]
    confirmations = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CONFIRMATION).order_by("pk")
    assert [email.registration.meeting for email in confirmations] == [meeting, second_meeting]
    first_body, second_body = (email.body_text for email in confirmations)
    assert "100 Days to the International Migration Review Forum" in first_body
    assert "Regional Review of the Global Compact" not in first_body
    assert "Regional Review of the Global Compact" in second_body
    assert f"/{second_meeting.slug}/agenda/" in second_body and f"/{meeting.slug}/agenda/" not in second_body
    assert [message.to for message in mail.outbox] == [["djordje@mup.example.rs"]] * 2
    ics = [attachment for attachment in mail.outbox[1].attachments if attachment[0].endswith(".ics")]
    assert ics and ics[0][0] == f"{second_meeting.slug}.ics"
    assert "Regional Review of the Global Compact" in ics[0][1]


def test_thanks_cookie_belongs_to_the_meeting_registered_for(client, meeting, second_meeting, form_data):
    response = _register(client, second_meeting, form_data)

    cookie = response.cookies["registration_result"]
    thanks = client.get(response["Location"])

    # A browser sends it to that meeting's thank-you page only.
    assert cookie["path"] == f"/{second_meeting.slug}/register/thanks/"
    assert "We have sent an email to djordje@mup.example.rs" in thanks.content.decode()
    assert "Regional Review of the Global Compact" in thanks.content.decode()


def test_post_to_the_old_form_address_during_the_deploy_is_registered_not_lost(
    client, meeting, second_meeting, form_data
):
    response = client.post("/register/", form_data)

    registration = Registration.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/{meeting.slug}/register/thanks/")
    assert registration.meeting == meeting
    assert registration.last_name == "Đoković-Čačić"


def test_post_with_an_error_to_the_old_form_address_keeps_the_values_typed(client, meeting, form_data):
    response = client.post("/register/", {**form_data, "first_name": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Đoković-Čačić" in content and "Ministarstvo unutrašnjih poslova" in content
    assert f'action="/{meeting.slug}/register/"' in content
    assert not Registration.objects.exists()


def test_manage_link_emailed_before_several_meetings_still_opens_its_registration(
    client, meeting, second_meeting, form_data, django_capture_on_commit_callbacks
):
    # The worker renders the confirmation as it sends it: here in-process, after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", form_data)
    confirmation = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.CONFIRMATION)
    link = MANAGE_LINK.search(confirmation.body_text)[1]

    page = client.get(link)
    cancel = client.get(link + "cancel/")

    assert link.startswith("/register/manage/")
    assert page.status_code == 200 and cancel.status_code == 200
    content = page.content.decode()
    assert "Đoković-Čačić" in content
    assert f'href="/{meeting.slug}/agenda/"' in content
    assert f'href="/{second_meeting.slug}/' not in content


def test_erasing_a_registration_ends_on_its_own_meetings_page(client, second_meeting, form_data):
    _register(client, second_meeting, form_data)
    registration = Registration.objects.get()

    response = client.post(reverse("registration:erase", args=[registration.manage_token]), follow=True)

    assert response.redirect_chain == [(reverse("registration:erased", args=[second_meeting.slug]), 302)]
    assert f'href="/{second_meeting.slug}/register/"' in response.content.decode()
