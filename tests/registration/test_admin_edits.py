"""Organisers' edits in the admin: the same rules as the public form, a history, and an email only when asked."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration.models import OutgoingEmail
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, signed_in_through_the_login_form, user_create

pytestmark = pytest.mark.django_db


def _change_url(registration):
    return reverse("admin:registration_registration_change", args=[registration.pk])


def _post_change(client, registration, **changes):
    """Post the admin's change form as the page shows it, with `changes` typed in."""
    form = client.get(_change_url(registration)).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None and value is not False}
    data.update({"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0", **changes})
    return client.post(_change_url(registration), data)


def test_organiser_edit_missing_a_conditional_answer_is_refused_next_to_it(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting, organisation="Ministry of Interior")

    response = _post_change(client, registration, wishes_to_speak="on", organisation="Ministry of Justice")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["intervention_topic"] == ["Please give the topic of your intervention."]
    assert "Ministry of Justice" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.wishes_to_speak, registration.organisation) == (False, "Ministry of Interior")


def test_organiser_edit_empties_a_conditional_answer_that_no_longer_applies(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)

    response = _post_change(client, registration, category="academia", category_other="Parliament")

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.category, registration.category_other, registration.imrf_attendance_level) == (
        "academia",
        "",
        "",
    )


def test_organiser_edit_to_a_taken_email_in_other_letters_is_a_form_error_with_values_kept(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, email="Taken@Example.org")
    registration = RegistrationFactory(meeting=meeting, first_name="Amira")

    response = _post_change(client, registration, email="tAKEN@example.ORG", first_name="Amina")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another registration for this meeting already has this email."
    ]
    assert 'value="Amina"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_name == "Amira"


def test_organiser_edit_stores_the_email_without_the_spaces_of_a_paste(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)

    response = _post_change(client, registration, email="  New.Address@example.org ")

    assert response.status_code == 302
    # The address moves once the participant confirms it from there (issue 19, point 2): the link
    # to confirm goes to the address as typed, without the spaces.
    registration.refresh_from_db()
    assert registration.email != "New.Address@example.org"
    assert registration.email_changes.get().new_email == "New.Address@example.org"


def test_organiser_cannot_record_a_diversity_answer_the_participant_did_not_consent_to(client, meeting):
    client.force_login(
        user_create(
            username="trusted",
            group=ORGANISERS,
            permissions=["registration.view_diversity_answers"],
            in_every_team=True,
        )
    )
    registration = RegistrationFactory(meeting=meeting, gender="", diversity_consent_at=None)

    response = _post_change(client, registration, gender="woman", disability="yes")

    assert response.status_code == 200
    assert "Only the participant can give that consent" in response.context["adminform"].form.errors["gender"][0]
    registration.refresh_from_db()
    assert (registration.gender, registration.disability, registration.diversity_consent_at) == ("", "", None)


@pytest.mark.parametrize(("ticked", "emails"), [(False, 0), (True, 1)])
def test_organiser_edit_emails_the_participant_only_when_the_box_is_ticked(
    client, organiser, meeting, mailoutbox, django_capture_on_commit_callbacks, ticked, emails
):
    registration = RegistrationFactory(meeting=meeting, organisation="Ministry of Interior")
    extra = {"notify_participant": "on"} if ticked else {}

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_change(client, registration, organisation="Ministry of Foreign Affairs", **extra)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.organisation == "Ministry of Foreign Affairs"
    changes = OutgoingEmail.objects.filter(registration=registration, kind=OutgoingEmail.Kind.CHANGE)
    assert changes.count() == emails
    assert [message.to for message in mailoutbox] == [[registration.email]] * emails
    if ticked:
        assert "Ministry of Foreign Affairs" in mailoutbox[0].body


def test_organiser_corrects_a_registration_after_the_deadline(client, organiser):
    starts = timezone.now() - datetime.timedelta(days=2)
    closed = MeetingFactory(
        starts_at=starts, registration_deadline=(starts - datetime.timedelta(days=7)).date(), team=[organiser]
    )
    registration = RegistrationFactory(meeting=closed, last_name="Smiht")

    response = _post_change(client, registration, last_name="Smith")

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.last_name == "Smith"


def test_organiser_edits_a_registration_and_the_change_is_in_its_history(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Amira")

    response = _post_change(client, registration, organisation="Ministry of Foreign Affairs")
    page = client.get(_change_url(registration))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.organisation == "Ministry of Foreign Affairs"
    assert LogEntry.objects.filter(object_id=str(registration.pk), user=organiser).count() == 1
    assert "Changed Organisation." in page.content.decode()


def test_editing_an_email_to_one_already_registered_is_refused_next_to_the_field(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, email="taken@example.org")
    registration = RegistrationFactory(meeting=meeting)

    response = _post_change(client, registration, email=" TAKEN@example.org ")

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    registration.refresh_from_db()
    assert registration.email != "taken@example.org"


# Attacks from the second review of issue 10: each test performs one.


# An organiser without the manage link moves a registration to their own address and has the
# confirmation, with the link, resent there; the participant is never told.


def test_organiser_moving_a_registration_to_another_address_tells_the_old_one(meeting):
    registration = RegistrationFactory(meeting=meeting, email="participant@example.org")
    organiser = signed_in_through_the_login_form(Client())
    change_url = reverse("admin:registration_registration_change", args=[registration.pk])
    form = organiser.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(
        email="organiser@evil.example",
        country=str(registration.country),
        listening_language=registration.listening_language.pk,
        **{"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0"},
    )
    data = {name: value for name, value in data.items() if value is not False}
    saved = organiser.post(change_url, data)
    assert saved.status_code == 302
    organiser.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "resend_confirmation", "_selected_action": [registration.pk]},
    )

    sent_to = {email.to_email for email in OutgoingEmail.objects.filter(registration=registration)}

    # The link now reaches the organiser's mailbox; the participant must at least hear of it.
    assert "organiser@evil.example" in sent_to
    assert "participant@example.org" in sent_to
