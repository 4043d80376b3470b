"""The registration's admin pages acting on the participant's behalf, for a team organiser (issue 20 §2)."""

import datetime
import html

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration, RegistrationEvent
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

ADD = reverse("admin:registration_registration_add")


def _act_url(registration, act):
    return reverse("admin:registration_registration_act", args=[registration.pk, act])


def _add_data(meeting, **changes):
    return {
        "meeting": meeting.pk,
        "language": "fr",
        "first_name": "Anne",
        "last_name": "Lefèvre",
        "email": "anne@diplomatie.example.fr",
        "job_title": "Minister",
        "organisation": "Ministère de l'Intérieur",
        "category": "member_state",
        "country": "FR",
        "imrf_attendance_level": "minister",
        "listening_language": meeting.interpretation_languages.get(code="fr").pk,
        "privacy_notice_given": "on",
        "note": "Email of the Permanent Mission",
        **changes,
    }


def test_an_organiser_adds_a_registration_on_someones_behalf(
    client, organiser, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, _add_data(meeting))

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.language == "fr"
    assert registration.events.get().act == RegistrationEvent.Act.ADDED
    assert django_mail.outbox[0].to == ["anne@diplomatie.example.fr"]
    page = html.unescape(
        client.get(reverse("admin:registration_registration_change", args=[registration.pk])).content.decode()
    )
    assert "Registered on the participant's behalf" in page
    assert "Email of the Permanent Mission" in page


def test_the_add_form_refuses_a_missing_answer_next_to_it_and_keeps_what_was_typed(client, organiser, meeting):
    response = client.post(ADD, _add_data(meeting, imrf_attendance_level=""))

    assert response.status_code == 200
    assert "imrf_attendance_level" in response.context["adminform"].form.errors
    assert "Lefèvre" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_add_form_offers_only_the_organisers_meetings(client, organiser):
    other = MeetingFactory(slug="not-ours")
    other.team.clear()
    organiser.meetings.remove(other)

    response = client.get(ADD)

    assert other not in response.context["adminform"].form.fields["meeting"].queryset


def test_the_add_form_asks_before_registering_after_the_deadline(client, organiser):
    closed = MeetingFactory(slug="closed", registration_deadline=timezone.localdate() - datetime.timedelta(days=1))
    closed.team.add(organiser)

    refused = client.post(ADD, _add_data(closed))
    accepted = client.post(ADD, _add_data(closed, after_deadline="on"))

    assert "after_deadline" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302


def test_cancel_restore_and_resend_from_the_registrations_page(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)
    page = client.get(reverse("admin:registration_registration_change", args=[registration.pk])).content.decode()
    assert _act_url(registration, "cancel") in page
    assert _act_url(registration, "resend") in page

    client.post(_act_url(registration, "cancel"), {"note": "Phoned"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    client.post(_act_url(registration, "restore"), {"note": "Phoned again"})
    client.post(_act_url(registration, "resend"))

    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE
    assert list(registration.events.order_by("at", "pk").values_list("act", flat=True)) == [
        RegistrationEvent.Act.CANCELLED,
        RegistrationEvent.Act.RESTORED,
        RegistrationEvent.Act.LINK_RESENT,
    ]


def test_decline_with_a_reason_from_the_registrations_page(client, organiser):
    pending = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)
    pending.meeting.team.add(organiser)

    client.post(_act_url(pending, "decline"), {"note": "Two places per delegation."})

    pending.refresh_from_db()
    assert pending.status == Registration.Status.DECLINED
    assert pending.events.get().note == "Two places per delegation."


def test_another_teams_registration_cannot_be_acted_on(client, meeting):
    olga = user_create(username="olga", group=ORGANISERS, teams=[MeetingFactory(slug="olgas")])
    client.force_login(olga)
    registration = RegistrationFactory(meeting=meeting)

    response = client.post(_act_url(registration, "cancel"), {"note": "forged"})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE


def test_the_approve_message_counts_only_what_happened(client, organiser):
    pending = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)
    pending.meeting.team.add(organiser)
    changelist = reverse("admin:registration_registration_changelist")

    response = client.post(
        f"{changelist}?status__exact=pending",
        {"action": "approve", "_selected_action": [pending.pk], "index": "0"},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["1 approved and emailed."]


def test_the_add_form_refuses_a_language_the_meeting_does_not_offer(client, organiser, meeting):
    data = _add_data(meeting)
    meeting.interpretation_languages.remove(meeting.interpretation_languages.get(code="fr"))

    response = client.post(ADD, data)

    assert "listening_language" in response.context["adminform"].form.errors
    assert not Registration.objects.exists()


def test_a_forged_meeting_id_of_another_team_adds_nothing_and_emails_no_one(
    client, meeting, django_capture_on_commit_callbacks
):
    """Review as an attacker (issue 19): the add form offers only the organiser's meetings; a POST naming
    another team's meeting (or an id past any integer) is refused beside the field, nothing saved or sent."""
    other = MeetingFactory(slug="not-ours")
    client.force_login(user_create(username="organiser-a", group=ORGANISERS, teams=[meeting]))

    with django_capture_on_commit_callbacks(execute=True):
        forged = client.post(ADD, {**_add_data(meeting), "meeting": other.pk})
        huge = client.post(ADD, {**_add_data(meeting), "meeting": "99999999999999999999999"})

    for response in (forged, huge):
        assert response.status_code == 200
        assert "meeting" in response.context["adminform"].form.errors
    assert not Registration.objects.exists()
    assert django_mail.outbox == []
