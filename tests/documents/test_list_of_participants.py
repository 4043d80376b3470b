"""The list of participants: its order in each language, who is on it, the printable page and the Word document."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document

from delegations.models import Delegation, Entity, Member
from documents.ordering import Entry, entries_grouped, entries_ordered
from documents.participants import list_of_participants_get
from registration.models import ExportJob
from tests.documents.conftest import listed
from tests.factories import MeetingFactory
from tests.registration.roles import user_create

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:documents_listofparticipants_changelist")
DOCX = reverse("admin:documents_listofparticipants_docx")


def _groups(document):
    return [(section.key, [group.name for group in section.groups]) for section in document.sections]


def test_list_orders_member_states_alphabetically_in_english_then_observers_un_system_igos_civil_society(
    meeting, participants
):
    document = list_of_participants_get(meeting=meeting, language="en")

    assert _groups(document) == [
        ("member_states", ["Egypt", "Germany", "Switzerland"]),
        ("observer_states", ["Holy See"]),
        ("un_system", ["IOM", "UNHCR"]),
        ("igo", ["OECD"]),
        ("civil_society", ["Caritas"]),
    ]
    assert document.heading[2] == "List of participants"


def test_list_in_french_orders_and_names_the_states_as_french_readers_do(meeting, participants):
    document = list_of_participants_get(meeting=meeting, language="fr")

    assert _groups(document)[0] == ("member_states", ["Allemagne", "Égypte", "Suisse"])
    assert _groups(document)[1] == ("observer_states", ["Saint-Siège"])
    assert document.heading[0] == "100 jours avant le FEMI"
    assert document.heading[2] == "Liste des participants"
    assert document.sections[0].title == "États Membres"


def test_delegation_lists_its_head_first_then_alternates_advisers_members_and_individuals():
    def person(last, role):
        return Entry("member_states", "Austria", "", "A", last, "", role=role)

    entries = [person("Zeller", "head"), person("Adler", None), person("Berger", "member"), person("Moser", "adviser")]
    entries += [person("Xaver", "alternate"), Entry("member_states", "Albania", "", "B", "Zog", "", role="member")]

    ordered = entries_ordered(entries, language="en")

    assert [entry.last_name for entry in ordered] == ["Zog", "Zeller", "Xaver", "Moser", "Berger", "Adler"]
    assert [group.name for group in entries_grouped(entries, language="en")[0].groups] == ["Albania", "Austria"]


def test_list_holds_only_confirmed_participants_who_agreed(meeting, participants, not_listed):
    document = list_of_participants_get(meeting=meeting, language="en")

    names = [entry.last_name for section in document.sections for group in section.groups for entry in group.entries]
    assert sorted(names) == sorted(registration.last_name for registration in participants.values())
    assert document.count == len(participants)


def test_participant_who_withdraws_consent_leaves_the_next_version(meeting, participants):
    participants["egypt"].listed_publicly = False
    participants["egypt"].save()

    document = list_of_participants_get(meeting=meeting, language="en")

    assert _groups(document)[0] == ("member_states", ["Germany", "Switzerland"])


def test_entry_prints_the_family_name_in_capitals_after_title_and_given_name(meeting, participants):
    document = list_of_participants_get(meeting=meeting, language="en")

    germany = document.sections[0].groups[1].entries[0]
    assert germany.printed_name == "Mr Jan SCHMIDT"


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru"])
def test_admin_page_prints_the_list_in_each_language(client, organiser, meeting, participants, language):
    response = client.get(PAGE, {"meeting": meeting.pk, "language": language})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hassan".upper() in page
    expected = {"en": "Egypt", "fr": "Égypte", "es": "Egipto", "ru": "Египет"}[language]
    assert expected in page


def test_admin_page_of_another_teams_meeting_is_not_found(client, organiser, participants):
    other = MeetingFactory()
    listed(other, last_name="Secretive", country="FR")

    response = client.get(PAGE, {"meeting": other.pk})

    assert response.status_code == 404


def test_docx_of_another_teams_meeting_is_not_found_and_forged_ids_too(client, organiser, participants):
    other = MeetingFactory()
    listed(other, last_name="Secretive", country="FR")

    assert client.get(DOCX, {"meeting": other.pk}).status_code == 404
    assert client.get(DOCX, {"meeting": "1 OR 1=1"}).status_code == 404
    assert client.get(DOCX, {"meeting": "999999"}).status_code == 404


def test_staff_without_the_registrations_right_cannot_see_the_list(client, meeting, participants):
    client.force_login(user_create(username="nobody", teams=[meeting]))

    assert client.get(PAGE, {"meeting": meeting.pk}).status_code == 403
    assert client.get(DOCX, {"meeting": meeting.pk}).status_code == 403


def _docx_text(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs if paragraph.text]


def test_docx_opens_with_python_docx_with_the_heading_and_the_list_in_order(client, organiser, meeting, participants):
    response = client.get(DOCX, {"meeting": meeting.pk, "language": "fr"})

    text = _docx_text(b"".join(response.streaming_content))
    assert response["Content-Disposition"].startswith('attachment; filename="list-of-participants-')
    assert text[0] == "100 jours avant le FEMI"
    assert text[2] == "Liste des participants"
    assert text[3:6] == ["États Membres", "Allemagne", "Mr Jan SCHMIDT\nPolicy officer"]
    assert text.index("Égypte") < text.index("Suisse") < text.index("États observateurs") < text.index("Saint-Siège")


def test_large_list_docx_is_built_in_the_background_and_opens(
    client, organiser, meeting, participants, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(DOCX, {"meeting": meeting.pk, "language": "en"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.status, job.meeting_ids) == (ExportJob.Kind.LIST_OF_PARTICIPANTS, "done", [meeting.pk])
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))
    text = _docx_text(b"".join(download.streaming_content))
    assert text[2:5] == ["List of participants", "Member States", "Egypt"]


def test_hostile_names_stay_plain_text_in_the_docx(client, organiser, meeting):
    listed(
        meeting,
        first_name='<w:fldSimple w:instr="HYPERLINK evil"/>',
        last_name="=cmd|' /C calc'!A0",
        job_title="@SUM(1+1)\x07<script>alert(1)</script>",
        country="DE",
    )

    response = client.get(DOCX, {"meeting": meeting.pk})

    content = b"".join(response.streaming_content)
    body = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    # Escaped as text: no field, no instruction, no element Word would run.
    assert "<w:fldSimple" not in body and "<w:instrText" not in body and "<script>" not in body
    text = _docx_text(content)
    assert "<w:fldSimple w:instr=\"HYPERLINK evil\"/> =CMD|' /C CALC'!A0\n@SUM(1+1)<script>alert(1)</script>" in text


def test_a_states_confirmed_delegation_is_listed_head_first_beside_its_individual_registrants(meeting):
    austria = Entity.objects.create(kind=Entity.Kind.MEMBER_STATE, country="AT")
    delegation = Delegation.objects.create(meeting=meeting, entity=austria)
    for last_name, role in (
        ("Adler", Member.Role.MEMBER),
        ("Zeller", Member.Role.HEAD),
        ("Berger", Member.Role.ADVISER),
    ):
        Member.objects.create(
            delegation=delegation, role=role, registration=listed(meeting, country="AT", last_name=last_name)
        )
    listed(meeting, country="AT", last_name="Aigner")  # registered alone, not through the focal point

    document = list_of_participants_get(meeting=meeting, language="en")

    (austria_group,) = document.sections[0].groups
    assert [entry.last_name for entry in austria_group.entries] == ["Zeller", "Berger", "Adler", "Aigner"]
