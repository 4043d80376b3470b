"""The participant's rows of the organisers' walk (issue 20): what a registrant sees on the site's pages."""

import json
import secrets

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from registration.models import FloorDecision, Registration
from registration.online.floor import floor_accept, floor_decline
from registration.thanks import RESULT_COOKIE, RESULT_COOKIE_SALT, TYPED_FIELDS
from tests.factories import MeetingFactory, RegistrationFactory, registration_answers


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# F1.1: a field required when it appears carries the star the form speaks of


def test_attendance_level_carries_the_required_star_when_it_appears(client, register_url, meeting):
    page = _page(client, register_url)

    assert "Fields marked * are required" in page
    for label in ("Expected level of your country&#x27;s attendance at the IMRF", "Please describe your category"):
        assert f'{label}<span class="asteriskField">*</span>' in page
    # Optional conditional fields stay unmarked.
    assert 'Self-description (optional)<span class="asteriskField">' not in page


def test_error_summary_names_the_starred_field_without_its_markup(client, register_url, meeting):
    response = client.post(register_url, registration_answers(meeting, imrf_attendance_level=""))

    page = response.content.decode()
    assert "Level of attendance at the IMRF" in page
    assert "Please say at what level your country expects to attend the IMRF." in page
    assert "asteriskField&quot;" not in page and "&lt;span" not in page


# F1.6: the manage page shows the organisers' decision on taking the floor


def _speaker(meeting, **changes):
    return RegistrationFactory(
        meeting=meeting, wishes_to_speak=True, intervention_topic="Return and reintegration", **changes
    )


def test_manage_page_shows_an_accepted_speakers_place(client, meeting):
    RegistrationFactory(meeting=meeting, wishes_to_speak=True, intervention_topic="First")
    first = Registration.objects.get()
    floor_accept(registration=first)
    speaker = _speaker(meeting)
    floor_accept(registration=speaker)

    page = _page(client, reverse("registration:manage", args=[speaker.manage_token]))

    assert "The organisers' decision on taking the floor" in page
    assert "Accepted: you are number 2 on the speakers' list." in page


def test_manage_page_shows_a_declined_request_and_an_open_one(client, meeting):
    declined, waiting = _speaker(meeting), _speaker(meeting)
    floor_decline(registration=declined)

    declined_page = _page(client, reverse("registration:manage", args=[declined.manage_token]))
    waiting_page = _page(client, reverse("registration:manage", args=[waiting.manage_token]))

    assert FloorDecision.objects.get(registration=declined).decision == "declined"
    assert "Declined: the organisers cannot give you the floor this time. You remain registered." in declined_page
    assert "Not decided yet." in waiting_page


def test_manage_page_in_spanish_says_the_decision_in_spanish(client, meeting):
    speaker = _speaker(meeting, language="es")
    floor_decline(registration=speaker)

    page = _page(client, reverse("registration:manage", args=[speaker.manage_token]))

    assert "Denegada: los organizadores no pueden concederle la palabra" in page


def test_manage_page_of_someone_not_asking_to_speak_has_no_decision_line(client, meeting):
    registration = RegistrationFactory(meeting=meeting)

    page = _page(client, reverse("registration:manage", args=[registration.manage_token]))

    assert "decision on taking the floor" not in page


# F1.9: the format said once


def test_meeting_page_and_email_say_the_format_once(client, meeting, register_url, django_capture_on_commit_callbacks):
    page = _page(client, reverse("agenda:meeting", args=[meeting.slug]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url, registration_answers(meeting))

    assert "Virtual web-conferencing platform" in page
    assert "Virtual: Virtual" not in page
    body = mail.outbox[-1].body
    assert "Virtual web-conferencing platform" in body
    assert "Virtual (Virtual" not in body


def test_a_platform_that_does_not_name_the_format_follows_it():
    meeting = MeetingFactory.build(platform="Zoom", format="virtual")

    assert meeting.format_text() == "Virtual (Zoom)"


# F1.11: the home page says who runs the meeting, what it is and until when to register


def test_home_page_names_the_organiser_the_description_and_the_deadline(client, db):
    MeetingFactory(organisers="Convened with the support of the United Nations Network on Migration.")

    page = _page(client, reverse("agenda:meetings"))

    assert "United Nations Network on Migration" in page
    assert "Technical Meeting for Government Representatives and other stakeholders" in page
    assert "Registration is open until" in page


def test_home_page_in_russian_reads_as_a_sentence_and_a_button(client, db):
    MeetingFactory()

    client.cookies["django_language"] = "ru"
    page = _page(client, reverse("agenda:meetings"))

    assert "Регистрация открыта до" in page
    assert "Зарегистрироваться" in page
    assert "Регистрация открыта. Регистрация" not in page


# F1.13: the thank-you page offers a way to correct the address and repeats what was typed


def test_thank_you_page_offers_to_correct_the_address_and_repeats_the_answers(client, register_url, meeting):
    client.post(register_url, registration_answers(meeting))

    page = _page(client, reverse("registration:thanks", args=[meeting.slug]))

    assert "Wrong address?" in page
    assert f'href="{register_url}"' in page
    assert "H.E. Ђорђе Đoković-Čačić" in page
    assert "Ministarstvo unutrašnjih poslova" in page
    assert "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)" in page


def test_thank_you_cookie_holds_no_protected_answer(client, register_url, meeting):
    response = client.post(
        register_url, registration_answers(meeting, needs_captions="on", accessibility_other="Braille agenda")
    )

    request = RequestFactory().get("/")
    request.COOKIES[RESULT_COOKIE] = response.cookies[RESULT_COOKIE].value
    payload = json.loads(request.get_signed_cookie(RESULT_COOKIE, salt=RESULT_COOKIE_SALT))

    assert set(payload["typed"]) == {*TYPED_FIELDS, "listening_language"}
    text = json.dumps(payload, ensure_ascii=False)
    for word in ("gender", "captions", "Braille", "diversity", "Senior Adviser"):
        assert word not in text


def test_a_stranger_typing_a_registered_address_sees_only_their_own_typing(meeting, register_url):
    RegistrationFactory(meeting=meeting, email="known@example.org", first_name="Original", organisation="Kept Ministry")
    stranger = Client()

    stranger.post(register_url, registration_answers(meeting, email="known@example.org"))
    page = _page(stranger, reverse("registration:thanks", args=[meeting.slug]))

    assert "Original" not in page and "Kept Ministry" not in page
    assert "Ђорђе" in page


# F1.17: after erasing, the old link says so, and only that link


def test_erased_registrations_own_link_says_it_was_erased(client, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Zlatan", organisation="Secret Ministry")
    manage_url = reverse("registration:manage", args=[registration.manage_token])
    client.post(reverse("registration:erase", args=[registration.manage_token]))

    response = client.get(manage_url)

    page = response.content.decode()
    assert response.status_code == 410
    assert "This registration was erased" in page
    for personal in ("Zlatan", "Secret Ministry", meeting.title):
        assert personal not in page


@pytest.mark.parametrize("path", ["manage", "cancel", "erase"])
def test_a_random_token_learns_nothing_about_erasures(client, meeting, path):
    erased = RegistrationFactory(meeting=meeting)
    client.post(reverse("registration:erase", args=[erased.manage_token]))
    guessed = secrets.token_urlsafe(32)

    response = client.get(reverse(f"registration:{path}", args=[guessed]))

    assert response.status_code == 404
    assert "erased" not in response.content.decode()


def test_a_link_replaced_before_the_erasure_does_not_say_erased(client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    old_token = registration.manage_token
    registration.manage_token = secrets.token_urlsafe(32)
    registration.save(update_fields=["manage_token"])
    client.post(reverse("registration:erase", args=[registration.manage_token]))

    response = client.get(reverse("registration:manage", args=[old_token]))

    assert response.status_code == 404
    assert "erased" not in response.content.decode()


def test_the_erased_link_opens_nothing_it_could_act_on(client, meeting):
    registration = RegistrationFactory(meeting=meeting)
    token = registration.manage_token
    client.post(reverse("registration:erase", args=[token]))

    cancelled = client.post(reverse("registration:cancel", args=[token]))
    restored = client.post(reverse("registration:restore", args=[token]))

    registration.refresh_from_db()
    assert (cancelled.status_code, restored.status_code) == (410, 410)
    assert registration.status == Registration.Status.ACTIVE
    assert registration.erased_link_digest and token not in registration.erased_link_digest
