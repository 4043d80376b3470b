"""The speakers' list (issue 14): accepting and declining in the admin, the order, the emails and the chair's list."""

import io

import openpyxl
import pytest
from django.core import mail as django_mail
from django.urls import reverse

from registration.models import FloorDecision, OutgoingEmail, Registration
from registration.online.floor import floor_accept, floor_speakers
from tests.factories import FloorDecisionFactory, JoiningDetailsFactory, MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
CHAIR = reverse("admin:registration_floordecision_chair")
CHAIR_XLSX = reverse("admin:registration_floordecision_chair_xlsx")


@pytest.fixture
def meeting():
    return MeetingFactory(slug="imrf-100-days")


@pytest.fixture
def organiser(client, meeting):
    user = user_create(username="organiser", group=ORGANISERS, teams=[meeting])
    client.force_login(user)
    return user


def _request(meeting, last_name, category=Registration.Category.CIVIL_SOCIETY, **kwargs):
    return RegistrationFactory(
        meeting=meeting,
        last_name=last_name,
        category=category,
        wishes_to_speak=True,
        intervention_topic="Topic",
        **kwargs,
    )


def _act(client, action, registrations, capture):
    with capture(execute=True):
        return client.post(CHANGELIST, {"action": action, "_selected_action": [r.pk for r in registrations]})


def test_floor_speakers_puts_member_states_first_then_the_organisers_order(meeting, organiser, client):
    ngo = _request(meeting, "Ngo")
    state_a = _request(meeting, "Alpha", Registration.Category.MEMBER_STATE)
    academia = _request(meeting, "Academia", Registration.Category.ACADEMIA)
    state_b = _request(meeting, "Beta", Registration.Category.MEMBER_STATE)
    for registration in (ngo, state_a, academia, state_b):
        floor_accept(registration=registration)
    # The organiser moves Beta before Alpha in the list of decisions.
    decision_b = FloorDecision.objects.get(registration=state_b)

    response = client.post(
        reverse("admin:registration_floordecision_change", args=[decision_b.pk]), {"position": 0, "coordinated": "on"}
    )

    assert response.status_code == 302
    assert list(floor_speakers(meeting=meeting)) == [state_b, state_a, ngo, academia]
    assert FloorDecision.objects.get(registration=state_b).coordinated is True


def test_accept_action_emails_the_speaker_in_their_language_with_place_and_link(
    meeting, organiser, client, django_capture_on_commit_callbacks
):
    JoiningDetailsFactory(meeting=meeting, shown_from_days_before=40)
    _request(meeting, "Earlier", Registration.Category.MEMBER_STATE)
    floor_accept(registration=Registration.objects.get(last_name="Earlier"))
    django_mail.outbox.clear()
    speaker = _request(meeting, "Dupont", Registration.Category.MEMBER_STATE, language="fr")
    listener = _request(meeting, "Listener")

    response = _act(client, "accept_floor", [speaker], django_capture_on_commit_callbacks)

    assert response.status_code == 302
    (message,) = django_mail.outbox
    assert message.to == [speaker.email]
    assert message.subject == "[IMRF 100 days] Vous figurez sur la liste des orateurs"
    assert "numéro 2" in message.body
    assert "https://zoom.example.org/j/100days-speakers" in message.body
    assert "https://zoom.example.org/j/100days-participants" not in message.body
    assert not FloorDecision.objects.filter(registration=listener).exists()


def test_accept_before_the_details_are_shown_says_the_link_will_follow(
    meeting, organiser, client, django_capture_on_commit_callbacks
):
    JoiningDetailsFactory(meeting=meeting)
    speaker = _request(meeting, "Early")

    _act(client, "accept_floor", [speaker], django_capture_on_commit_callbacks)

    (message,) = django_mail.outbox
    assert "number 1 on the speakers' list" in message.body
    assert "Your speaker's link will follow by email before the meeting." in message.body
    assert "100days-speakers" not in message.body


def test_accept_action_twice_emails_once(meeting, organiser, client, django_capture_on_commit_callbacks):
    speaker = _request(meeting, "Twice")

    _act(client, "accept_floor", [speaker], django_capture_on_commit_callbacks)
    _act(client, "accept_floor", [speaker], django_capture_on_commit_callbacks)

    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.FLOOR_DECISION).count() == 1
    assert len(django_mail.outbox) == 1


def test_accept_action_leaves_pending_and_non_speakers_alone(
    meeting, organiser, client, django_capture_on_commit_callbacks
):
    pending = _request(meeting, "Pending", status=Registration.Status.PENDING)
    silent = RegistrationFactory(meeting=meeting, wishes_to_speak=False)

    _act(client, "accept_floor", [pending, silent], django_capture_on_commit_callbacks)

    assert not FloorDecision.objects.exists()
    assert django_mail.outbox == []


def test_decline_action_tells_kindly_and_keeps_the_participants_link(
    meeting, organiser, client, django_capture_on_commit_callbacks
):
    JoiningDetailsFactory(meeting=meeting, shown_from_days_before=40)
    requester = _request(meeting, "Declined", language="es")

    _act(client, "decline_floor", [requester], django_capture_on_commit_callbacks)

    (message,) = django_mail.outbox
    assert message.subject == "[IMRF 100 days] Su solicitud de hacer uso de la palabra"
    assert "Gracias" in message.body
    requester.refresh_from_db()
    assert requester.status == Registration.Status.ACTIVE
    page = client.get(reverse("registration:manage", args=[requester.manage_token])).content.decode()
    assert "https://zoom.example.org/j/100days-participants" in page
    assert "100days-speakers" not in page


def test_chair_list_page_and_xlsx_in_order_without_formulas(meeting, organiser, client):
    other_meeting = MeetingFactory()
    floor_accept(registration=_request(other_meeting, "Elsewhere"))
    floor_accept(registration=_request(meeting, "Civil", organisation='=HYPERLINK("http://evil")'))
    floor_accept(registration=_request(meeting, "State", Registration.Category.MEMBER_STATE))

    page = client.get(CHAIR).content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(CHAIR_XLSX).streaming_content)))
    other = client.get(CHAIR, {"meeting": other_meeting.pk})

    assert page.index("State") < page.index("Civil")
    assert "Elsewhere" not in page
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("order", "name", "position / job title")
    assert [row[0] for row in rows[1:]] == [1, 2]
    assert "State" in rows[1][1]
    assert rows[2][3] == '=HYPERLINK("http://evil")'
    assert workbook.active.cell(row=3, column=4).data_type == "s"
    assert other.status_code == 404


# Attack: another team's meeting by id in the address.


def test_chair_list_of_another_teams_meeting_by_id_is_not_found(
    client, meeting, other_meeting, organiser_of_one_meeting
):
    FloorDecisionFactory(registration__meeting=other_meeting, registration__last_name="Secretspeaker")
    client.force_login(organiser_of_one_meeting)

    page = client.get(reverse("admin:registration_floordecision_chair"), {"meeting": other_meeting.pk})
    sheet = client.get(reverse("admin:registration_floordecision_chair_xlsx"), {"meeting": other_meeting.pk})

    assert page.status_code == 404
    assert sheet.status_code == 404
