"""Certificates of participation: the PDF in the participant's language, its code verified, refused and voided."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from documents.certificates import certificate_issue, certificate_policy_save
from documents.models import Certificate
from registration.models import Attendance, Registration
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _attend(registration, minutes):
    Attendance.objects.create(
        meeting=registration.meeting,
        registration=registration,
        person_key=registration.email,
        minutes=minutes,
        source_sha256="0" * 64,
    )


@pytest.fixture
def released(meeting):
    meeting.organisers_ru = "Созвано правительствами Азербайджана, Люксембурга и Португалии."
    meeting.title_ru = "100 дней до Форума по обзору международной миграции"
    meeting.save()
    return certificate_policy_save(meeting=meeting, minimum_minutes=60, released=True)


@pytest.fixture
def attendee(meeting):
    registration = RegistrationFactory(
        meeting=meeting, honorific="г-жа", first_name="Анна", last_name="Иванова-Čačić", language="ru"
    )
    _attend(registration, 95)
    return registration


def _manage_url(registration):
    return reverse("registration:manage", args=[registration.manage_token])


def _certificate_url(registration):
    return reverse("documents:certificate", args=[registration.manage_token])


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def _verify(client, meeting, code):
    return client.get(reverse("documents:verify", args=[meeting.slug]), {"code": code}).content.decode()


def test_attendee_downloads_a_one_page_pdf_in_russian_from_the_manage_page_and_its_code_verifies(
    client, meeting, released, attendee
):
    page = client.get(_manage_url(attendee)).content.decode()
    assert _certificate_url(attendee) in page

    response = client.get(_certificate_url(attendee))

    assert response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(response.content)
    assert pages == 1
    flat = " ".join(text.split())
    assert "Сертификат об участии" in flat
    assert "г-жа Анна Иванова-Čačić" in flat
    assert "100 дней до Форума по обзору международной миграции" in flat
    assert "Созвано правительствами Азербайджана" in flat
    code = Certificate.objects.get(registration=attendee).code
    assert code in flat
    verified = _verify(client, meeting, code.lower().replace("-", " "))
    assert "Valid: this certificate was issued to г-жа Анна Иванова-Čačić" in verified


def test_the_same_code_is_given_on_every_download(client, meeting, released, attendee):
    client.get(_certificate_url(attendee))
    client.get(_certificate_url(attendee))

    assert Certificate.objects.filter(registration=attendee).count() == 1


def test_certificate_is_refused_to_a_participant_below_the_threshold_or_absent(client, meeting, released):
    short = RegistrationFactory(meeting=meeting)
    _attend(short, 59)
    absent = RegistrationFactory(meeting=meeting)

    for registration in (short, absent):
        assert client.get(_certificate_url(registration)).status_code == 404
        assert _certificate_url(registration) not in client.get(_manage_url(registration)).content.decode()
    assert not Certificate.objects.exists()


def test_certificate_waits_until_the_team_releases_them(client, meeting, attendee):
    certificate_policy_save(meeting=meeting, minimum_minutes=60, released=False)

    assert client.get(_certificate_url(attendee)).status_code == 404


def test_erased_registrations_certificate_no_longer_verifies(client, meeting, released, attendee):
    code = certificate_issue(registration=attendee).code
    attendee.anonymised_at = timezone.now()
    attendee.save()

    page = _verify(client, meeting, code)

    assert "Not valid" in page and "Иванова" not in page
    assert client.get(_certificate_url(attendee)).status_code == 404


def test_cancelled_registration_gets_no_certificate(client, meeting, released, attendee):
    attendee.status = Registration.Status.CANCELLED
    attendee.save()

    assert client.get(_certificate_url(attendee)).status_code == 404


def test_guessed_and_malformed_codes_are_not_valid_and_say_nothing_more(client, meeting, released, attendee):
    real = certificate_issue(registration=attendee).code
    guesses = ["00000-00000-00000-00000", real[:-1] + ("0" if real[-1] != "0" else "1"), "' OR 1=1 --", "x" * 5000]

    for guess in guesses:
        page = _verify(client, meeting, guess)
        assert "Not valid" in page and "Иванова" not in page


def test_a_code_of_another_meeting_does_not_verify_under_this_one(client, meeting, released, attendee):
    other = MeetingFactory()
    code = certificate_issue(registration=attendee).code

    assert "Not valid" in _verify(client, other, code)


def test_verification_page_of_a_draft_or_unknown_meeting_is_not_found(client):
    draft = MeetingFactory(is_published=False)

    assert client.get(reverse("documents:verify", args=[draft.slug])).status_code == 404
    assert client.get(reverse("documents:verify", args=["no-such-meeting"])).status_code == 404


def test_codes_are_long_and_random(meeting, released):
    codes = set()
    for _ in range(20):
        registration = RegistrationFactory(meeting=meeting)
        _attend(registration, 90)
        codes.add(certificate_issue(registration=registration).code)

    assert len(codes) == 20
    assert all(re.fullmatch(r"([0-9A-Z]{5}-){3}[0-9A-Z]{5}", code) for code in codes)


def test_hostile_name_is_printed_as_text_on_one_page(client, meeting, released):
    hostile = RegistrationFactory(
        meeting=meeting,
        first_name='<b>=HYPERLINK("http://evil")</b>\x07\x1b',
        last_name="%PDF-1.7 endobj " + "Ж" * 80,
        honorific="(/JavaScript)",
        language="fr",
    )
    _attend(hostile, 120)

    response = client.get(_certificate_url(hostile))

    pages, text = _pdf_text(response.content)
    assert pages == 1
    assert "Attestation de participation" in text
    assert '<b>=HYPERLINK("http://evil")</b>' in " ".join(text.split())
    # The typed "(/JavaScript)" is drawn as glyphs: it never becomes a PDF name, action or link.
    for name in (b"/JavaScript", b"/JS", b"/Launch", b"/URI"):
        assert name not in response.content


def test_another_participants_token_gives_their_own_certificate_only(client, meeting, released, attendee):
    response = client.get(reverse("documents:certificate", args=["not-a-real-token"]))

    assert response.status_code == 404


POLICIES = reverse("admin:documents_certificatepolicy_changelist")


def test_organiser_sets_the_threshold_and_releases_certificates_in_the_admin(client, organiser, meeting, attendee):
    response = client.post(
        reverse("admin:documents_certificatepolicy_add"),
        {"meeting": meeting.pk, "minimum_minutes": "90", "released": "on"},
    )

    assert response.status_code == 302
    policy = meeting.certificate_policy
    assert policy.minimum_minutes == 90 and policy.released_at is not None
    assert client.get(_certificate_url(attendee)).status_code == 200


def test_another_teams_certificates_are_neither_listed_nor_released(client, organiser):
    other = MeetingFactory()
    policy = certificate_policy_save(meeting=other, minimum_minutes=30, released=False)

    assert other.title not in client.get(POLICIES).content.decode().split('id="result_list"')[-1]
    assert client.get(reverse("admin:documents_certificatepolicy_change", args=[policy.pk])).status_code == 302
    client.post(reverse("admin:documents_certificatepolicy_add"), {"meeting": other.pk, "minimum_minutes": "1"})
    policy.refresh_from_db()
    assert (policy.minimum_minutes, policy.released_at) == (30, None)


def test_name_in_a_script_the_font_lacks_still_gives_a_certificate(client, meeting, released):
    registration = RegistrationFactory(meeting=meeting, first_name="李明", last_name="Ruiz")
    _attend(registration, 120)

    response = client.get(_certificate_url(registration))

    pages, text = _pdf_text(response.content)
    assert response.status_code == 200 and pages == 1 and "Ruiz" in text
