"""Attacks on the focal-point pages: another State's focal point, forged ids, reused links, hostile input."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations import services, signing_in
from delegations.models import Member
from registration.models import Registration
from tests.delegations.conftest import delegation_url, member_data, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def austrian_delegation(meeting, austria):
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    values = member_data(meeting, listening_language=meeting.interpretation_languages.first(), wishes_to_speak=False)
    services.member_nominate(
        delegation=delegation,
        data={name: values[name] for name in services.MEMBER_FIELDS},
        role="head",
        language="en",
        now=timezone.now(),
    )
    return delegation


def test_another_states_focal_point_sees_nothing_of_austrias_delegation(
    client, austrian_delegation, hungary_focal_point
):
    sign_in(client, hungary_focal_point)
    member = austrian_delegation.members.get()

    page = client.get(delegation_url(austrian_delegation))
    nominate = client.post(
        delegation_url(austrian_delegation), member_data(austrian_delegation.meeting, email="x@example.hu")
    )
    withdraw = client.post(reverse("delegations:member_withdraw", args=[austrian_delegation.pk, member.pk]))
    upload = client.post(reverse("delegations:credentials", args=[austrian_delegation.pk]), {})
    home = client.get(reverse("delegations:home"))

    assert (page.status_code, nominate.status_code, withdraw.status_code, upload.status_code) == (404, 404, 404, 404)
    assert "Gruber" not in home.content.decode()
    assert Member.objects.get().withdrawn_at is None
    assert austrian_delegation.members.count() == 1


def test_forged_member_id_of_another_delegation_is_not_found(
    client, meeting, austrian_delegation, hungary, hungary_focal_point
):
    sign_in(client, hungary_focal_point)
    own = services.delegation_open(meeting=meeting, entity=hungary)
    austrian_member = austrian_delegation.members.get()

    response = client.post(reverse("delegations:member_withdraw", args=[own.pk, austrian_member.pk]))

    assert response.status_code == 404
    assert Member.objects.get().withdrawn_at is None


def test_starting_a_delegation_for_another_state_is_not_found(client, meeting, austria, hungary_focal_point):
    sign_in(client, hungary_focal_point)

    response = client.post(reverse("delegations:start", args=[austria.pk, meeting.pk]))

    assert response.status_code == 404


def test_reused_sign_in_link_signs_no_one_in(client, austria_focal_point):
    signing_in.sign_in_link_request(email=austria_focal_point.email, now=timezone.now())
    path = "/" + mail.outbox[-1].body.split("://", 1)[1].split("/", 1)[1].split()[0]
    client.post(path)
    attacker = client.__class__()

    response = attacker.post(path)

    assert response.status_code == 403
    assert attacker.get(reverse("delegations:home")).status_code == 302


@pytest.mark.parametrize("token", ["A" * 43, "x" * 100, "' OR 1=1 --", "%00" * 30])
def test_forged_sign_in_tokens_answer_403_or_404(client, token):
    response = client.post(f"/focal-point/sign-in/{token}/")

    assert response.status_code in (403, 404)


def test_tampered_session_value_signs_no_one_in(client, austria_focal_point):
    session = client.session
    session[signing_in.SESSION_KEY] = {"ids": [austria_focal_point.pk], "until": "9999999999"}
    session.save()

    assert client.get(reverse("delegations:home")).status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "<script>alert('x')</script>"),
        ("last_name", '=HYPERLINK("http://evil.example","click")'),
        ("job_title", "x" * 100_000),
        ("email", "a" * 300 + "@example.at"),
        ("listening_language", "999999999999999999999"),
        ("role", "president"),
    ],
)
def test_hostile_input_is_refused_or_kept_as_text(client, meeting, austria, austria_focal_point, field, value):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)

    response = client.post(delegation_url(delegation), member_data(meeting, **{field: value}))

    body = (
        response.content.decode()
        if response.status_code != 302
        else client.get(delegation_url(delegation)).content.decode()
    )
    assert response.status_code in (302, 400)
    assert "<script>alert" not in body
    if response.status_code == 302:
        stored = Registration.objects.get()
        assert getattr(stored, field) == value


def test_markup_in_a_name_is_escaped_in_the_emails(meeting, austrian_delegation):
    from delegations import review

    member = austrian_delegation.members.get()
    Registration.objects.filter(pk=member.registration_id).update(first_name="<b>Bold</b>")
    austrian_delegation.credentials_file = "x.pdf"
    austrian_delegation.credentials_verified_at = timezone.now()
    austrian_delegation.save()
    mail.outbox.clear()

    review.delegation_confirm(delegation=austrian_delegation, now=timezone.now())

    html = mail.outbox[0].alternatives[0][0]
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def _entity_change_post(client, entity, focal_points, extra_rows=()):
    """The State's admin page posted with its focal points' inline (existing rows, then new ones)."""
    rows = [*focal_points, *extra_rows]
    data = {
        "kind": entity.kind,
        "country": entity.country,
        "name": entity.name,
        "category": entity.category,
        "created_at_0": "2026-01-05",
        "created_at_1": "09:00:00",
        "focal_points-TOTAL_FORMS": str(len(rows)),
        "focal_points-INITIAL_FORMS": str(len(focal_points)),
        "focal_points-MIN_NUM_FORMS": "0",
        "focal_points-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"focal_points-{index}-{name}"] = value
        data[f"focal_points-{index}-entity"] = str(entity.pk)
    return client.post(reverse("admin:delegations_entity_change", args=[entity.pk]), data)


def test_organiser_of_another_team_cannot_make_themselves_a_states_focal_point(
    client, meeting, austrian_delegation, austria, austria_focal_point
):
    """Austria's delegation to team A's meeting is team A's; an organiser of team B (or of no team) who could
    name focal points would name themselves and read it, and withdraw its members, from the focal-point pages."""
    from tests.factories import MeetingFactory
    from tests.registration.roles import ORGANISERS, user_create

    other_team = user_create(username="organiser-b", group=ORGANISERS, teams=[MeetingFactory()])
    other_team.email = "organiser-b@example.org"
    other_team.save()
    client.force_login(other_team)
    mine = {"name": "Eve", "email": other_team.email, "language": "en", "is_active": "on"}
    existing = {"id": str(austria_focal_point.pk), **mine}

    changed = _entity_change_post(client, austria, [existing])
    added = _entity_change_post(
        client,
        austria,
        [
            {
                "id": str(austria_focal_point.pk),
                "name": austria_focal_point.name,
                "email": austria_focal_point.email,
                "language": "en",
                "is_active": "on",
            }
        ],
        [mine],
    )
    mail.outbox.clear()
    signing_in.sign_in_link_request(email=other_team.email, now=timezone.now())

    assert changed.status_code in (302, 403)
    assert added.status_code in (302, 403)
    austria_focal_point.refresh_from_db()
    assert austria_focal_point.email == "anna.huber@bmeia.example.at"
    assert not austria.focal_points.filter(email=other_team.email).exists()
    assert mail.outbox == []


def test_focal_point_given_a_new_address_leaves_the_old_one_no_session_and_no_link(
    client, admin_client, meeting, austrian_delegation, austria, austria_focal_point
):
    """The mission replaces its focal point by changing the address on the same row: the person who left is
    signed in (four hours) and has a link asked for a minute ago (twenty minutes). Both stop at the change."""
    sign_in(client, austria_focal_point)
    mail.outbox.clear()
    signing_in.sign_in_link_request(email=austria_focal_point.email, now=timezone.now())
    unused_link = "/" + mail.outbox[-1].body.split("://", 1)[1].split("/", 1)[1].split()[0]
    departed_elsewhere = client.__class__()
    assert client.get(delegation_url(austrian_delegation)).status_code == 200

    response = _entity_change_post(
        admin_client,
        austria,
        [
            {
                "id": str(austria_focal_point.pk),
                "name": "Lukas Bauer",
                "email": "lukas.bauer@bmeia.example.at",
                "language": "en",
                "is_active": "on",
            }
        ],
    )

    assert response.status_code == 302
    assert client.get(delegation_url(austrian_delegation)).status_code == 302
    assert departed_elsewhere.post(unused_link).status_code == 403
    assert departed_elsewhere.get(reverse("delegations:home")).status_code == 302


def test_viewer_sees_no_delegates_names_addresses_or_credentials(client, meeting, austrian_delegation):
    """A Viewer reads the registrations dashboard only, never who registered; the delegations' pages (members'
    names and addresses, the printable list, the host's list of names, the note verbale) are lists of people."""
    from tests.registration.roles import VIEWERS, user_create

    Delegation = austrian_delegation.__class__
    Delegation.objects.filter(pk=austrian_delegation.pk).update(credentials_file="x.pdf", credentials_name="nv.pdf")
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))
    pages = [
        reverse("admin:delegations_delegation_changelist"),
        reverse("admin:delegations_delegation_change", args=[austrian_delegation.pk]),
        reverse("admin:delegations_delegation_printable", args=[austrian_delegation.pk]),
        reverse("admin:delegations_delegation_credentials", args=[austrian_delegation.pk]),
        reverse("admin:delegations_delegation_host_list") + f"?meeting={meeting.pk}",
        reverse("admin:delegations_member_changelist") if _has_member_admin() else None,
    ]

    for page in filter(None, pages):
        response = client.get(page)
        assert response.status_code in (403, 404), page
        assert "Gruber" not in response.content.decode() if hasattr(response, "content") else True


def _has_member_admin():
    from django.contrib import admin

    from delegations.models import Member

    return admin.site.is_registered(Member)
