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
