"""Attacks on the participant's pages: who is registered, undoing a decline, and pages kept in caches."""

import json

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from registration import moderation
from registration.models import OutgoingEmail, Registration
from registration.thanks import RESULT_COOKIE, RESULT_COOKIE_SALT
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

ADDRESS = "ADDRESS"


def _cookie_payload(morsel):
    request = RequestFactory().get("/")
    request.COOKIES[RESULT_COOKIE] = morsel.value
    return json.loads(request.get_signed_cookie(RESULT_COOKIE, salt=RESULT_COOKIE_SALT))


# 4. Who registered can be found out


def test_register_new_and_already_registered_address_get_the_same_answer(register_url, meeting, form_data):
    RegistrationFactory(meeting=meeting, email="known.delegate@example.org", first_name="Original")
    answers = {}

    for label, email in (("new", "someone.new@example.org"), ("known", "Known.Delegate@EXAMPLE.org")):
        visitor = Client()
        posted = visitor.post(register_url, {**form_data, "email": email})
        thanks = visitor.get(reverse("registration:thanks", args=[meeting.slug]))
        answers[label] = (posted, thanks, thanks.content.decode().replace(email, ADDRESS))

    (new_post, new_thanks, new_page), (known_post, known_thanks, known_page) = answers["new"], answers["known"]
    assert Registration.objects.filter(email__iexact="known.delegate@example.org").get().first_name == "Original"
    assert (new_post.status_code, new_post["Location"]) == (known_post.status_code, known_post["Location"])
    assert new_thanks.status_code == known_thanks.status_code == 200
    assert new_page == known_page
    assert ADDRESS in new_page
    new_cookie, known_cookie = new_post.cookies[RESULT_COOKIE], known_post.cookies[RESULT_COOKIE]
    assert {key: new_cookie[key] for key in ("path", "max-age", "httponly", "samesite")} == {
        key: known_cookie[key] for key in ("path", "max-age", "httponly", "samesite")
    }
    # Each cookie holds the address and answers typed, the same for both, never what was stored.
    new_payload, known_payload = _cookie_payload(new_cookie), _cookie_payload(known_cookie)
    assert new_payload["email"] == "someone.new@example.org"
    assert known_payload["email"] == "Known.Delegate@EXAMPLE.org"
    assert new_payload["typed"] == known_payload["typed"]
    assert set(new_payload) == {"email", "typed"}
    assert "Original" not in known_page
    assert form_data["first_name"] in known_page


def test_thanks_with_an_old_cookie_holding_an_id_shows_no_registration(client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Zlatan", organisation="Secret Ministry")
    signed = HttpResponse()
    signed.set_signed_cookie(
        RESULT_COOKIE, json.dumps({"id": registration.pk, "email": "other@example.org"}), salt=RESULT_COOKIE_SALT
    )
    client.cookies[RESULT_COOKIE] = signed.cookies[RESULT_COOKIE].value

    page = client.get(reverse("registration:thanks", args=[meeting.slug])).content.decode()

    assert "We have sent an email to other@example.org" in page
    assert "Zlatan" not in page
    assert "Secret Ministry" not in page


# 6. A decline can be undone by the participant


@pytest.fixture
def declined(db):
    registration = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status="pending")
    moderation.registration_decline(registration=registration)
    return Registration.objects.get(pk=registration.pk)


@pytest.mark.parametrize("approval_switched_off", [False, True])
def test_declined_participant_cancel_then_restore_stays_declined(
    client, declined, approval_switched_off, mailoutbox, django_capture_on_commit_callbacks
):
    if approval_switched_off:
        declined.meeting.requires_approval = False
        declined.meeting.save()
    emails_before = OutgoingEmail.objects.count()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(reverse("registration:cancel", args=[declined.manage_token]))
        restored = client.post(reverse("registration:restore", args=[declined.manage_token]))

    assert cancelled.status_code == restored.status_code == 302
    declined.refresh_from_db()
    assert declined.status == Registration.Status.DECLINED
    assert declined.cancelled_at is None
    assert OutgoingEmail.objects.count() == emails_before
    assert mailoutbox == []
    page = client.get(reverse("registration:manage", args=[declined.manage_token])).content.decode()
    assert "Declined" in page
    assert "The organisers have declined this registration" in page
    assert "Your registration is active again" not in page
    assert reverse("registration:cancel", args=[declined.manage_token]) not in page
    assert reverse("registration:restore", args=[declined.manage_token]) not in page


def test_declined_participant_cannot_change_the_registration_either(client, declined):
    url = reverse("registration:manage", args=[declined.manage_token])

    response = client.post(url, {"first_name": "Changed", "email": declined.email})

    assert response.status_code == 403
    declined.refresh_from_db()
    assert declined.first_name != "Changed"
    assert declined.status == Registration.Status.DECLINED


def test_cancel_page_of_a_declined_registration_offers_no_cancel_button(client, declined):
    page = client.get(reverse("registration:cancel", args=[declined.manage_token])).content.decode()

    assert "The organisers have declined this registration" in page
    assert "Yes, cancel my registration" not in page


def test_participant_still_restores_their_own_cancellation(client, mailoutbox, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status="pending")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:cancel", args=[registration.manage_token]))
        client.post(reverse("registration:restore", args=[registration.manage_token]))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert [message.subject for message in mailoutbox][-1].endswith("We have received your registration")


def _change_form_data(response):
    """What the organiser's browser sends back from the admin change page when nothing is edited."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None and value is not False}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


def test_organiser_cannot_turn_a_decline_into_a_cancellation_in_the_admin(client, declined):
    # A cancelled status the participant did not set would let them restore the registration.
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    url = reverse("admin:registration_registration_change", args=[declined.pk])
    data = _change_form_data(client.get(url))

    response = client.post(url, {**data, "status": Registration.Status.CANCELLED, "organisation": "Changed"})

    assert response.status_code == 302
    declined.refresh_from_db()
    assert declined.organisation == "Changed"
    assert declined.status == Registration.Status.DECLINED


# 9. Personal pages may be cached


def _private_responses(register_url, client, form_data):
    registration = RegistrationFactory(meeting=MeetingFactory(), email="page.owner@example.org")
    token = registration.manage_token
    responses = {
        "register POST with errors": client.post(register_url, {**form_data, "first_name": ""}),
        "register POST accepted": client.post(register_url, form_data),
        "thank-you page": client.get(register_url + "thanks/"),
        "manage page": client.get(reverse("registration:manage", args=[token])),
        "manage POST with errors": client.post(
            reverse("registration:manage", args=[token]), {"first_name": "", "email": registration.email}
        ),
        "cancel page": client.get(reverse("registration:cancel", args=[token])),
        "cancel POST": client.post(reverse("registration:cancel", args=[token])),
        "manage page, cancelled": client.get(reverse("registration:manage", args=[token])),
        "restore POST": client.post(reverse("registration:restore", args=[token])),
    }
    return responses


def test_pages_with_a_participants_data_are_never_stored(register_url, client, meeting, form_data):
    responses = _private_responses(register_url, client, form_data)

    for where, response in responses.items():
        assert response.status_code in (200, 302), where
        cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"no-store", "private"} <= cache_control, where


def test_register_post_over_the_rate_limit_is_never_stored(register_url, client, meeting, form_data, settings):
    settings.REGISTRATION_POSTS_PER_MINUTE = 1
    client.post(register_url, {**form_data, "email": "first@example.org"})

    response = client.post(register_url, {**form_data, "email": "second@example.org"})

    assert response.status_code == 429
    assert "second@example.org" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_register_get_stays_a_cacheable_public_page(register_url, client, meeting):
    response = client.get(register_url)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
