"""Credentials: a PDF by its content, at most 5 MB, downloadable only by the meeting's team, removed in time."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from delegations import credentials, services
from delegations.models import Delegation
from tests.delegations.conftest import sign_in
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def delegation(meeting, austria):
    return services.delegation_open(meeting=meeting, entity=austria)


def _upload(client, delegation, name, content):
    return client.post(
        reverse("delegations:credentials", args=[delegation.pk]), {"file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("note-verbale.pdf", b"<html><script>alert(1)</script></html>"),
        ("note-verbale.pdf", b"MZ\x90\x00 executable"),
        ("note.pdf.exe", b"PK\x03\x04 a zip file"),
        ("scan.PDF", b"%PDF-1.7 but cut off before its end"),
        ("letter.pdf", b""),
    ],
)
def test_credentials_upload_refuses_what_is_not_a_pdf_whatever_its_name(
    client, delegation, austria_focal_point, name, content
):
    sign_in(client, austria_focal_point)

    response = _upload(client, delegation, name, content)

    assert response.status_code == 400
    delegation.refresh_from_db()
    assert delegation.credentials_file == ""


def test_credentials_upload_refuses_more_than_5_mb(client, delegation, austria_focal_point):
    sign_in(client, austria_focal_point)

    response = _upload(client, delegation, "big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n")

    assert response.status_code == 400
    assert "5" in response.content.decode()


def test_credentials_upload_keeps_a_pdf_under_a_random_name(client, delegation, austria_focal_point, settings):
    sign_in(client, austria_focal_point)

    _upload(client, delegation, "../../etc/<b>nv</b>.pdf", PDF)

    delegation.refresh_from_db()
    assert credentials.credentials_path(delegation=delegation).read_bytes() == PDF
    assert "/" not in delegation.credentials_name and "<" not in delegation.credentials_name
    assert str(settings.CREDENTIALS_DIR) not in str(settings.STATIC_ROOT)


def test_credentials_download_by_the_team_as_an_attachment(client, delegation, austria_focal_point):
    sign_in(client, austria_focal_point)
    _upload(client, delegation, "nv.pdf", PDF)
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response = client.get(reverse("admin:delegations_delegation_credentials", args=[delegation.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_credentials_not_downloadable_by_participant_other_team_or_anonymous(client, delegation, austria_focal_point):
    sign_in(client, austria_focal_point)
    _upload(client, delegation, "nv.pdf", PDF)
    url = reverse("admin:delegations_delegation_credentials", args=[delegation.pk])
    other_meeting = MeetingFactory()
    other_team = user_create(username="other-team", group=ORGANISERS, teams=[other_meeting])
    participant = RegistrationFactory(meeting=delegation.meeting)

    by_focal_point = client.get(url)
    client.logout()
    anonymous = client.get(url)
    by_participant_link = client.get(reverse("registration:manage", args=[participant.manage_token]) + "../" + url)
    client.force_login(other_team)
    by_other_team = client.get(url)

    assert by_focal_point.status_code == 302
    assert anonymous.status_code == 302
    assert by_participant_link.status_code in (302, 404)
    assert by_other_team.status_code == 404


def test_credentials_remove_past_deletes_the_file_after_retention(client, delegation, austria_focal_point):
    sign_in(client, austria_focal_point)
    _upload(client, delegation, "nv.pdf", PDF)
    delegation.refresh_from_db()
    path = credentials.credentials_path(delegation=delegation)
    later = delegation.meeting.ends_at + datetime.timedelta(days=91)

    removed = credentials.credentials_remove_past(now=later, days_after=90)
    again = credentials.credentials_remove_past(now=later, days_after=90)

    assert (removed, again) == (1, 0)
    assert not path.exists()
    assert Delegation.objects.get().credentials_file == ""


def test_new_credentials_after_verification_wait_for_verification(client, delegation, austria_focal_point):
    from delegations import review

    sign_in(client, austria_focal_point)
    _upload(client, delegation, "nv.pdf", PDF)
    review.delegation_credentials_verify(delegation=delegation, now=timezone.now())

    _upload(client, delegation, "nv2.pdf", PDF)

    delegation.refresh_from_db()
    assert delegation.credentials_verified_at is None
    assert delegation.status == Delegation.Status.NOMINATED


def test_credentials_pdf_html_polyglot_is_only_ever_an_attachment_in_a_sandbox(client, delegation, austria_focal_point):
    """Review as an attacker (issue 19): a file that is a PDF by its header and end marker and HTML with a script
    in between passes the check (it is a PDF); the team's browser must never render it as a page of the site."""
    polyglot = b"%PDF-1.4\n<html><body><script>fetch('/admin/')</script></body></html>\n%%EOF\n"
    sign_in(client, austria_focal_point)
    _upload(client, delegation, "<img src=x onerror=alert(1)>.html", polyglot)
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    page = client.get(reverse("admin:delegations_delegation_change", args=[delegation.pk])).content.decode()
    response = client.get(reverse("admin:delegations_delegation_credentials", args=[delegation.pk]))

    assert "<img src=x" not in page
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="credentials-{delegation.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
