"""The report's attendance paragraph in four languages, from the imported attendance or the registrations."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents.attendance_paragraph import attendance_paragraph_get, names_joined
from registration.models import Attendance, AttendanceImport, Registration
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CATEGORY = Registration.Category
PAGE = reverse("admin:documents_attendance_paragraph")


def _attended(meeting, registration, minutes=90):
    Attendance.objects.create(
        meeting=meeting,
        registration=registration,
        person_key=registration.email,
        minutes=minutes,
        source_sha256="0" * 64,
    )


@pytest.fixture
def attendance(meeting):
    """Who attended: two UNECE States, another Member State, the Holy See, two UN entities, an IGO, two NGOs."""
    AttendanceImport.objects.create(meeting=meeting, sha256="0" * 64, platform="Zoom")
    people = [
        RegistrationFactory(meeting=meeting, country="CH"),
        RegistrationFactory(meeting=meeting, country="DE"),
        RegistrationFactory(meeting=meeting, country="DE"),
        RegistrationFactory(meeting=meeting, country="EG"),
        RegistrationFactory(meeting=meeting, country="VA"),
        RegistrationFactory(meeting=meeting, category=CATEGORY.UN_SYSTEM, organisation="UNHCR"),
        RegistrationFactory(meeting=meeting, category=CATEGORY.UN_SYSTEM, organisation="IOM"),
        RegistrationFactory(meeting=meeting, category=CATEGORY.IGO, organisation="OECD"),
        RegistrationFactory(meeting=meeting, category=CATEGORY.CIVIL_SOCIETY, organisation="Caritas"),
        RegistrationFactory(meeting=meeting, category=CATEGORY.MIGRANT_DIASPORA, organisation=" caritas "),
        RegistrationFactory(meeting=meeting, category=CATEGORY.ACADEMIA, organisation="University of Geneva"),
    ]
    for registration in people:
        _attended(meeting, registration)
    # Registered and did not attend: not in a paragraph built from the attendance.
    RegistrationFactory(meeting=meeting, country="FR")
    # A line set aside and one never matched name nobody.
    Attendance.objects.create(meeting=meeting, person_key="host", ignored=True, source_sha256="0" * 64)
    Attendance.objects.create(meeting=meeting, person_key="guest", name="Guest", source_sha256="0" * 64)
    return people


EXPECTED = {
    "en": (
        "The following member States of the Economic Commission for Europe were represented: Germany and "
        "Switzerland. The following other States Members of the United Nations were represented: Egypt. "
        "The following observer States were represented: Holy See. The following United Nations entities were "
        "represented: IOM and UNHCR. The following other intergovernmental organisations were represented: OECD. "
        "In addition, 2 civil society and other stakeholder organisations were represented."
    ),
    "fr": (
        "Les États membres suivants de la Commission économique pour l’Europe étaient représentés\u00a0: "
        "Allemagne et Suisse. Les autres États Membres de l’Organisation des Nations Unies suivants étaient "
        "représentés\u00a0: Égypte. Les États observateurs suivants étaient représentés\u00a0: Saint-Siège. "
        "Les entités des Nations Unies suivantes étaient représentées\u00a0: IOM et UNHCR. Les autres "
        "organisations intergouvernementales suivantes étaient représentées\u00a0: OECD. En outre, 2 "
        "organisations de la société civile et autres parties prenantes étaient représentées."
    ),
    "es": (
        "Estuvieron representados los siguientes Estados miembros de la Comisión Económica para Europa: "
        "Alemania y Suiza. Estuvieron representados los siguientes otros Estados Miembros de las Naciones Unidas: "
        "Egipto. Estuvieron representados los siguientes Estados observadores: Santa Sede. Estuvieron "
        "representadas las siguientes entidades de las Naciones Unidas: IOM y UNHCR. Estuvieron representadas las "
        "siguientes otras organizaciones intergubernamentales: OECD. Además, estuvieron representadas 2 "
        "organizaciones de la sociedad civil y otras partes interesadas."
    ),
    "ru": (
        "Были представлены следующие государства — члены Европейской экономической комиссии: Германия и "
        "Швейцария. Были представлены следующие другие государства — члены Организации Объединенных Наций: "
        "Египет. Были представлены следующие государства-наблюдатели: Святой Престол. Были представлены следующие "
        "структуры Организации Объединенных Наций: IOM и UNHCR. Были представлены следующие другие "
        "межправительственные организации: OECD. Кроме того, были представлены 2 организации гражданского "
        "общества и других заинтересованных сторон."
    ),
}


def test_paragraph_from_a_known_attendance_in_english_french_spanish_and_russian(meeting, attendance):
    paragraph = attendance_paragraph_get(meeting=meeting)

    assert paragraph.from_attendance
    assert dict(paragraph.texts) == EXPECTED


def test_paragraph_before_any_import_is_built_from_the_confirmed_registrations_and_says_so(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, country="IT")
    RegistrationFactory(meeting=meeting, country="FR", status=Registration.Status.PENDING)
    RegistrationFactory(meeting=meeting, country="ES", status=Registration.Status.CANCELLED)

    response = client.get(PAGE, {"meeting": meeting.pk})

    paragraph = attendance_paragraph_get(meeting=meeting)
    assert not paragraph.from_attendance
    assert dict(paragraph.texts)["en"] == (
        "The following member States of the Economic Commission for Europe were represented: Italy."
    )
    page = response.content.decode()
    assert "From the confirmed registrations" in page
    assert "were represented: Italy.</textarea>" in page


def test_admin_page_shows_the_four_paragraphs_to_copy(client, organiser, meeting, attendance):
    page = client.get(PAGE, {"meeting": meeting.pk}).content.decode()

    assert "From the imported attendance" in page
    assert 'id="paragraph-ru" class="attendance-paragraph" lang="ru"' in page
    assert "Святой Престол" in page


def test_admin_page_of_another_teams_meeting_is_not_found(client, organiser, meeting):
    other = MeetingFactory()

    assert client.get(PAGE, {"meeting": other.pk}).status_code == 404


@pytest.mark.parametrize(
    ("names", "language", "joined"),
    [
        (["Chile", "Italia"], "es", "Chile e Italia"),
        (["Chile", "Hungría"], "es", "Chile y Hungría"),
        (["Chile", "Hierro"], "es", "Chile y Hierro"),
        (["A", "B", "C"], "en", "A, B and C"),
    ],
)
def test_names_are_joined_as_each_language_writes_a_list(names, language, joined):
    with translation.override(language):
        assert names_joined(names, language=language) == joined
