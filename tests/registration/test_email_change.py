"""Attacks on the manage link as a mail relay, and email changes to a taken address, performed through the pages."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from registration import email_change, retention
from registration.mail import limits as mail_limits
from registration.models import EmailChangeRequest, OutgoingEmail, Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LURE = "Claim your grant at https://evil.example"
CONFIRM_LINK = re.compile(r"/register/email/([\w-]+)/confirm/")
REFUSE_LINK = re.compile(r"/register/email/([\w-]+)/refuse/")
REQUESTED = "We have sent a link to the new email address."


@pytest.fixture
def registration(meeting):
    return RegistrationFactory(meeting=meeting, email="amina@ministry.example.ba", organisation="Ministry of Security")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser does, running the after-commit sends so mail.outbox shows what went out."""

    def _post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return _post


def _manage_url(registration):
    return reverse("registration:manage", args=[registration.manage_token])


def _manage_data(client, registration, **changes):
    """What the manage form holds as the participant sees it, with `changes` typed in."""
    form = client.get(_manage_url(registration)).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["country"] = str(registration.country)
    return {**data, **changes}


def _message_to(address):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def _alerts(page):
    return [" ".join(text.split()) for text in re.findall(r'<div class="alert[^"]*" role="status">(.*?)</div>', page)]


def _full_text(message):
    return "\n".join([message.subject, message.body, *(content for content, _type in message.alternatives)])


def test_manage_new_email_is_not_written_and_the_new_address_gets_only_our_text(client, post, registration):
    data = _manage_data(client, registration, email="stranger@elsewhere.example", first_name=LURE)

    response = post(_manage_url(registration), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"
    assert registration.first_name == LURE
    confirm = _message_to("stranger@elsewhere.example")
    text = _full_text(confirm)
    assert CONFIRM_LINK.search(text)
    assert registration.meeting.title in text
    for typed in ("evil", "Claim", registration.last_name, registration.organisation, registration.job_title):
        assert typed not in text
    assert registration.manage_token not in text
    assert [message.to for message in mail.outbox if message.to != ["amina@ministry.example.ba"]] == [
        ["stranger@elsewhere.example"]
    ]
    assert REQUESTED in client.get(_manage_url(registration)).content.decode()


def test_manage_new_email_tells_the_old_address_with_a_refuse_link(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="stranger@elsewhere.example"))

    notice = next(message for message in mail.outbox if "email address was requested" in message.subject)
    assert notice.to == ["amina@ministry.example.ba"]
    assert "s•••@e•••.example" in notice.body
    assert "stranger@elsewhere.example" not in _full_text(notice)
    assert REFUSE_LINK.search(notice.body)


def test_email_change_confirm_get_changes_nothing_and_post_moves_the_registration(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="new@ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("new@ministry.example.ba").body).group(0)
    mail.outbox.clear()

    page = client.get(url)

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Confirm this email address" in page.content.decode()
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"

    response = post(url)

    assert response.status_code == 200
    assert "now uses this email address" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "new@ministry.example.ba"
    # The new address gets the registration with its new link; the old one is told, without a link.
    assert sorted(message.to[0] for message in mail.outbox) == ["amina@ministry.example.ba", "new@ministry.example.ba"]
    assert "has been updated" in _message_to("new@ministry.example.ba").subject


def test_email_change_confirm_twice_changes_the_address_once(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="new@ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("new@ministry.example.ba").body).group(0)
    post(url)
    mail.outbox.clear()

    response = post(url)

    assert "expired or has already been used" in response.content.decode()
    assert mail.outbox == []
    assert EmailChangeRequest.objects.get().confirmed_at is not None


def test_email_change_refused_from_the_old_address_can_no_longer_be_confirmed(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="intruder@elsewhere.example"))
    refuse = REFUSE_LINK.search(_message_to("amina@ministry.example.ba").body).group(0)
    confirm = CONFIRM_LINK.search(_message_to("intruder@elsewhere.example").body).group(0)

    refused = post(refuse)
    confirmed = post(confirm)

    assert "The change is refused" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    assert "expired or has already been used" in confirmed.content.decode()
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"


def test_email_change_link_expires_after_48_hours(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="new@ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("new@ministry.example.ba").body).group(0)
    EmailChangeRequest.objects.update(
        created_at=EmailChangeRequest.objects.get().created_at - datetime.timedelta(hours=49)
    )

    response = post(url)

    assert "expired or has already been used" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"


def test_email_change_newer_request_supersedes_the_older(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="first@elsewhere.example"))
    post(_manage_url(registration), _manage_data(client, registration, email="second@elsewhere.example"))
    first = CONFIRM_LINK.search(_message_to("first@elsewhere.example").body).group(0)
    second = CONFIRM_LINK.search(_message_to("second@elsewhere.example").body).group(0)

    stale = post(first)
    moved = post(second)

    assert "expired or has already been used" in stale.content.decode()
    assert "now uses this email address" in moved.content.decode()
    registration.refresh_from_db()
    assert registration.email == "second@elsewhere.example"


def test_email_change_with_unknown_token_is_not_found(client, registration):
    response = client.get(
        reverse("registration:email_change_confirm", args=["not-a-real-token-but-the-right-shape-0123456789"])
    )

    assert response.status_code == 404


def test_email_change_to_another_registrants_address_in_other_case_answers_as_for_a_free_address(
    client, post, meeting, registration
):
    other = RegistrationFactory(meeting=meeting, email="taken@ministry.example.ba")
    third = RegistrationFactory(meeting=meeting)

    taken = post(_manage_url(registration), _manage_data(client, registration, email="TAKEN@Ministry.example.ba"))
    taken_page = client.get(_manage_url(registration)).content.decode()
    free = post(_manage_url(third), _manage_data(client, third, email="free@ministry.example.ba"))
    free_page = client.get(_manage_url(third)).content.decode()

    assert taken.status_code == free.status_code == 302
    assert _alerts(taken_page) == _alerts(free_page)
    assert REQUESTED in _alerts(taken_page)[0]
    registration.refresh_from_db()
    other.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"
    assert other.email == "taken@ministry.example.ba"


def test_email_change_confirmed_at_a_registered_address_says_so_and_changes_nothing(
    client, post, meeting, registration
):
    RegistrationFactory(meeting=meeting, email="taken@ministry.example.ba")
    post(_manage_url(registration), _manage_data(client, registration, email="TAKEN@Ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("TAKEN@Ministry.example.ba").body).group(0)

    response = post(url)

    assert response.status_code == 200
    assert "already has a registration" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"
    assert EmailChangeRequest.objects.get().confirmed_at is None


def test_email_change_confirm_losing_a_race_for_the_address_is_no_server_error(
    client, post, meeting, registration, monkeypatch
):
    post(_manage_url(registration), _manage_data(client, registration, email="new@ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("new@ministry.example.ba").body).group(0)
    # Someone registers the address between the check and the save: the database constraint answers.
    RegistrationFactory(meeting=meeting, email="NEW@ministry.example.ba")
    monkeypatch.setattr(email_change, "_address_taken", lambda **kwargs: False)

    response = post(url)

    assert response.status_code == 200
    assert "already has a registration" in response.content.decode()
    registration.refresh_from_db()
    assert registration.email == "amina@ministry.example.ba"
    assert EmailChangeRequest.objects.get().confirmed_at is None


def test_manage_flood_of_email_changes_stops_at_the_hourly_limit(client, post, registration):
    data = _manage_data(client, registration, first_name=LURE)
    responses = [
        post(_manage_url(registration), {**data, "email": f"victim{n}@elsewhere.example", "job_title": f"Job {n}"})
        for n in range(40)
    ]

    assert [response.status_code for response in responses[:2]] == [302, 302]
    assert {response.status_code for response in responses[2:]} == {429}
    assert registration.emails.count() == len(mail.outbox) == mail_limits.MANAGE_EMAILS_PER_HOUR
    strangers = {message.to[0] for message in mail.outbox} - {"amina@ministry.example.ba"}
    assert strangers == {"victim0@elsewhere.example", "victim1@elsewhere.example"}
    refused = responses[-1].content.decode()
    assert re.search(r'<div id="id_email_error"[^>]*>\s*<span[^>]*><strong>[^<]*cannot be changed now', refused)
    assert 'value="victim39@elsewhere.example"' in refused
    registration.refresh_from_db()
    assert registration.job_title == "Job 1"
    assert registration.email == "amina@ministry.example.ba"


def test_manage_flood_of_other_changes_saves_them_without_more_emails(client, post, registration):
    data = _manage_data(client, registration)

    for n in range(40):
        post(_manage_url(registration), {**data, "job_title": f"Job {n}"})

    registration.refresh_from_db()
    assert registration.job_title == "Job 39"
    assert len(mail.outbox) == mail_limits.MANAGE_EMAILS_PER_HOUR
    assert "no further email will be sent for now" in client.get(_manage_url(registration)).content.decode()


def test_manage_limit_counts_only_the_last_hour(client, post, registration):
    data = _manage_data(client, registration)
    for n in range(10):
        post(_manage_url(registration), {**data, "job_title": f"Job {n}"})
    an_hour_ago = OutgoingEmail.objects.latest("created_at").created_at - mail_limits.WINDOW
    OutgoingEmail.objects.update(created_at=an_hour_ago)
    mail.outbox.clear()

    post(_manage_url(registration), {**data, "job_title": "Director"})

    assert len(mail.outbox) == 1


def test_cancel_and_restore_loop_stops_emailing_at_the_hourly_limit(post, registration):
    for _round in range(20):
        post(reverse("registration:cancel", args=[registration.manage_token]))
        post(reverse("registration:restore", args=[registration.manage_token]))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE
    # The confirmations of one's own cancel and restore have their own, larger allowance (F1.4).
    assert len(mail.outbox) == mail_limits.MANAGE_ANSWERS_PER_HOUR


def test_register_flood_with_a_registered_address_sends_few_manage_links_and_answers_as_usual(post, meeting, form_data):
    RegistrationFactory(meeting=meeting, email="djordje@mup.example.rs")

    responses = [
        post("/register/", {**form_data, "email": email})
        for email in ["djordje@mup.example.rs", "DJORDJE@mup.example.rs"] * 20
    ]

    assert {(response.status_code, response["Location"]) for response in responses} == {
        (302, reverse("registration:thanks", args=[meeting.slug]))
    }
    assert len(mail.outbox) == mail_limits.MANAGE_LINK_RESENDS_PER_HOUR
    # Every post writes its row (the form must not do less work for a flood); the worker sends three.
    sent = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MANAGE_LINK, status=OutgoingEmail.Status.SENT)
    assert sent.count() == 3
    assert Registration.objects.count() == 1


def test_email_change_links_open_nothing_once_personal_data_is_removed(client, post, registration):
    post(_manage_url(registration), _manage_data(client, registration, email="new@ministry.example.ba"))
    url = CONFIRM_LINK.search(_message_to("new@ministry.example.ba").body).group(0)
    after_meeting = registration.meeting.ends_at + datetime.timedelta(days=91)

    retention.registrations_anonymise_past(now=after_meeting, days_after=90)

    assert client.get(url).status_code == 404
    assert not EmailChangeRequest.objects.exists()


def test_email_change_emails_are_in_the_registrations_language(client, post, meeting):
    registration = RegistrationFactory(meeting=meeting, language="fr", email="chloe@ministere.example.fr")

    post(_manage_url(registration), _manage_data(client, registration, email="chloe.martin@ministere.example.fr"))

    confirm = _message_to("chloe.martin@ministere.example.fr")
    assert "Confirmez votre nouvelle adresse électronique" in confirm.subject
    assert "Le lien est valable 48 heures." in confirm.body
    notice = _message_to("chloe@ministere.example.fr")
    assert "refusez le changement ici" in notice.body
