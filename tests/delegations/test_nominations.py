"""Focal points nominate their delegation; the secretariat verifies, confirms, and each member is emailed once."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from delegations import review, services
from delegations.models import Delegation, Member
from registration.models import Registration
from tests.delegations.conftest import delegation_url, member_data, sign_in
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _nominate_three(client, delegation, meeting):
    client.post(delegation_url(delegation), member_data(meeting))
    client.post(
        delegation_url(delegation),
        member_data(meeting, role="member", email="a@example.at", first_name="Jonas", language="es"),
    )
    client.post(
        delegation_url(delegation),
        member_data(meeting, role="adviser", email="b@example.at", first_name="Лена", language="ru"),
    )


def test_member_nominate_registers_pending_members_without_emailing_them(client, meeting, austria, austria_focal_point):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    mail.outbox.clear()

    _nominate_three(client, delegation, meeting)

    members = list(delegation.members.select_related("registration"))
    assert [member.role for member in members] == ["head", "member", "adviser"]
    assert {member.registration.status for member in members} == {Registration.Status.PENDING}
    assert members[0].registration.country == "AT"
    assert members[0].registration.gender == ""
    assert mail.outbox == []


def test_member_nominate_refuses_a_second_head(client, meeting, austria, austria_focal_point):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    client.post(delegation_url(delegation), member_data(meeting))

    response = client.post(delegation_url(delegation), member_data(meeting, email="other@example.at"))

    assert response.status_code == 400
    assert "already has a head of delegation" in response.content.decode()
    assert 'value="other@example.at"' in response.content.decode()
    assert delegation.members.count() == 1


def test_member_nominate_refused_after_the_deadline_unless_extended(client, meeting, austria, austria_focal_point):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    meeting.registration_deadline = timezone.now().date() - timezone.timedelta(days=2)
    meeting.save()

    client.post(delegation_url(delegation), member_data(meeting))
    services.delegation_deadline_extend(delegation=delegation, until=timezone.now() + timezone.timedelta(days=1))
    client.post(delegation_url(delegation), member_data(meeting, email="late@example.at", role="member"))

    assert [member.registration.email for member in delegation.members.all()] == ["late@example.at"]


def test_delegation_confirm_emails_each_member_once_in_their_language(client, meeting, austria, austria_focal_point):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    _nominate_three(client, delegation, meeting)
    client.post(reverse("delegations:credentials", args=[delegation.pk]), {"file": SimpleUploadedFile("nv.pdf", PDF)})
    review.delegation_credentials_verify(delegation=delegation, now=timezone.now())
    mail.outbox.clear()

    review.confirm_delegation(delegation.pk)
    review.confirm_delegation(delegation.pk)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@example.at",
        "b@example.at",
        "maria.gruber@bmeia.example.at",
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Autriche" in by_address["maria.gruber@bmeia.example.at"].body
    assert "Austria" in by_address["a@example.at"].body and "delegación" in by_address["a@example.at"].body
    assert "/register/manage/" in by_address["b@example.at"].body
    assert Member.objects.filter(confirmed_at__isnull=False).count() == 3
    assert Registration.objects.filter(status=Registration.Status.ACTIVE).count() == 3
    assert Delegation.objects.get().status == Delegation.Status.CONFIRMED


def test_delegation_confirm_refused_before_the_credentials_are_verified(meeting, austria):
    delegation = services.delegation_open(meeting=meeting, entity=austria)

    with pytest.raises(Exception, match="credentials"):
        review.delegation_confirm(delegation=delegation, now=timezone.now())


def test_member_added_after_confirmation_shows_changes_pending_and_is_confirmed_alone(
    client, meeting, austria, austria_focal_point
):
    sign_in(client, austria_focal_point)
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    client.post(delegation_url(delegation), member_data(meeting))
    client.post(reverse("delegations:credentials", args=[delegation.pk]), {"file": SimpleUploadedFile("nv.pdf", PDF)})
    review.delegation_credentials_verify(delegation=delegation, now=timezone.now())
    review.delegation_confirm(delegation=delegation, now=timezone.now())
    client.post(delegation_url(delegation), member_data(meeting, role="member", email="new@example.at"))
    delegation.refresh_from_db()
    mail.outbox.clear()

    status_before = delegation.status
    review.delegation_confirm(delegation=delegation, now=timezone.now())

    assert status_before == Delegation.Status.CHANGES_PENDING
    assert [message.to[0] for message in mail.outbox] == ["new@example.at"]


def test_member_answers_their_own_gender_from_the_manage_link(client, meeting, austria, austria_focal_point):
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    nomination = services.member_nominate(
        delegation=delegation,
        data={
            k: v
            for k, v in member_data(
                meeting, listening_language=meeting.interpretation_languages.first(), wishes_to_speak=False
            ).items()
            if k in services.MEMBER_FIELDS
        },
        role="head",
        language="en",
        now=timezone.now(),
    )
    registration = nomination.member.registration

    page = client.get(reverse("registration:manage", args=[registration.manage_token]))

    assert page.status_code == 200
    assert 'name="gender"' in page.content.decode()


def test_review_actions_need_the_review_permission(client, meeting, austria):
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    viewer = user_create(username="viewer", group="Viewers", in_every_team=True)
    client.force_login(viewer)

    client.post(
        reverse("admin:delegations_delegation_changelist"),
        {"action": "verify_credentials", "_selected_action": [delegation.pk]},
    )

    assert Delegation.objects.get().credentials_verified_at is None


def test_printable_list_and_host_list_for_the_team(client, meeting, austria):
    delegation = services.delegation_open(meeting=meeting, entity=austria)
    nomination = services.member_nominate(
        delegation=delegation,
        data={
            k: v
            for k, v in member_data(
                meeting, listening_language=meeting.interpretation_languages.first(), wishes_to_speak=True
            ).items()
            if k in services.MEMBER_FIELDS
        },
        role="head",
        language="en",
        now=timezone.now(),
    )
    Registration.objects.filter(pk=nomination.member.registration_id).update(status=Registration.Status.ACTIVE)
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    printable = client.get(reverse("admin:delegations_delegation_printable", args=[delegation.pk]))
    host = client.get(reverse("admin:delegations_delegation_host_list") + f"?meeting={meeting.pk}")

    assert "Head of delegation" in printable.content.decode()
    assert host.content.decode() == "Austria – H.E. Maria Gruber\n"
