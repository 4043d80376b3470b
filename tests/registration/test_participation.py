"""The participation report, the follow-up email after the meeting, and attendance under the retention rules."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mailings.models import Mailing, MailingRecipient
from mailings.selectors import mailing_recipients
from mailings.services import mailing_send
from registration.models import Attendance, FloorDecision, OutgoingEmail, Registration
from registration.retention import registrations_anonymise, registrations_anonymise_past
from tests.factories import InterpretationLanguageFactory, MeetingFactory, RegistrationFactory
from tests.registration.admin_pages import report_line, table_cells
from tests.registration.roles import VIEWERS, user_create

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:registration_participation_report")
PRINT = reverse("admin:registration_participation_print")
XLSX = reverse("admin:registration_participation_xlsx")


def _attended(registration, **fields):
    return Attendance.objects.create(
        meeting=registration.meeting,
        registration=registration,
        person_key=f"email:{registration.email}",
        name=registration.full_name,
        email=registration.email,
        minutes=60,
        **fields,
    )


@pytest.fixture
def known_set(meeting):
    """Nine active registrations, six of whom attended; one civil society attendee, two speakers granted the floor."""
    french = [RegistrationFactory(meeting=meeting, country="FR") for _ in range(3)]
    german = [RegistrationFactory(meeting=meeting, country="DE", gender=Registration.Gender.MAN) for _ in range(3)]
    ngo = [
        RegistrationFactory(meeting=meeting, country="BR", category=Registration.Category.CIVIL_SOCIETY)
        for _ in range(2)
    ]
    academic = RegistrationFactory(meeting=meeting, country="AT", category=Registration.Category.ACADEMIA)
    RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED)
    for registration in [*french, *german[:2], ngo[0]]:
        _attended(registration)
    for speaker in french[:2]:
        FloorDecision.objects.create(registration=speaker, decision=FloorDecision.Decision.ACCEPTED, position=1)
    return {"french": french, "german": german, "ngo": ngo, "academic": academic}


@pytest.fixture
def viewer(meeting):
    return user_create(username="viewer", group=VIEWERS, teams=[meeting])


def _lines(response, key):
    section = next(section for section in response.context["report"].sections if section.key == key)
    return {line.label: (str(line.registered), str(line.attended)) for line in section.lines}


def test_participation_report_figures_of_a_known_set_with_small_counts_hidden(client, meeting, known_set, viewer):
    client.force_login(viewer)

    response = client.get(REPORT)

    report = response.context["report"]
    # States represented by their government: France and Germany (Austria's registrant is an academic).
    assert (report.registered, report.attended, report.states_registered, report.states_attended) == (9, 6, 2, 2)
    categories = _lines(response, "categories")
    assert categories["Member State government"] == ("6", "5")
    assert categories["Civil society / NGO"] == ("fewer than 5", "fewer than 5")
    countries = _lines(response, "countries")
    assert countries["France"] == ("fewer than 5", "fewer than 5")
    gender = _lines(response, "gender")
    # Six women in three categories of 6, 2 and 1 people: 6 would prove the Member States' four at
    # most leave one woman among the two from civil society, so the total is the dashboard's "not shown".
    assert gender["Woman"] == ("not shown", "fewer than 5")
    assert _lines(response, "floor")["Requests to take the floor granted"] == ("fewer than 5", "fewer than 5")
    page = response.content.decode()
    # No group of one to four people is readable anywhere in the tables.
    for small in range(1, 5):
        assert f'<td class="number">{small}</td>' not in page


def test_participation_report_counts_the_channels_the_platform_reported(client, meeting, viewer):
    french = meeting.interpretation_languages.get(code="fr")
    for _index in range(5):
        _attended(RegistrationFactory(meeting=meeting), channel="French")
    _attended(RegistrationFactory(meeting=meeting), channel="Klingon")
    client.force_login(viewer)

    response = client.get(REPORT)

    languages = _lines(response, "languages")
    assert languages[french.name][1] == "5"
    assert languages["Another channel"][1] == "fewer than 5"


def test_participation_report_printable_page_has_print_css_and_the_same_figures(client, meeting, known_set, viewer):
    client.force_login(viewer)

    response = client.get(PRINT)

    page = response.content.decode()
    assert "participation_print.css" in page
    assert "Member State government" in page and "fewer than 5" in page
    assert '<td class="number">1</td>' not in page


def test_participation_report_xlsx_hides_small_counts_and_writes_no_formula(client, meeting, known_set, viewer):
    hostile = InterpretationLanguageFactory(code="xx", name='=HYPERLINK("http://evil.example","click")')
    meeting.interpretation_languages.add(hostile)
    client.force_login(viewer)

    response = client.get(XLSX)

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    section_values = [value for row in rows[4:] for value in row[2:]]
    assert not any(isinstance(value, int) and 0 < value < 5 for value in section_values)
    hostile_cell = next(row[1] for row in sheet.iter_rows() if str(row[1].value).startswith("=HYPERLINK"))
    assert hostile_cell.data_type == "s" and hostile_cell.quotePrefix


def test_participation_report_of_another_teams_meeting_is_not_found(client, meeting, known_set):
    other = MeetingFactory()
    outsider = user_create(username="outsider", group=VIEWERS, teams=[other])
    client.force_login(outsider)

    responses = [client.get(url, {"meeting": meeting.pk}) for url in (REPORT, PRINT, XLSX)]

    assert [response.status_code for response in responses] == [404, 404, 404]


def test_participation_report_needs_the_dashboard_permission(client, meeting, known_set):
    staff = user_create(username="staff", teams=[meeting])
    client.force_login(staff)

    assert client.get(REPORT).status_code == 403


@pytest.fixture
def follow_up(meeting):
    """The follow-up, now a message to those who attended (mailings app), written in English and French."""
    return Mailing.objects.create(
        meeting=meeting,
        audience=Mailing.Audience.ATTENDED,
        subject_en="Thank you for attending",
        subject_fr="Merci de votre participation",
        body_en="Thank you. The recording: https://example.org/recording",
        body_fr="Merci.",
    )


def test_follow_up_to_attendees_in_their_language_once_each(
    meeting, known_set, follow_up, django_capture_on_commit_callbacks
):
    known_set["french"][0].language = "fr"
    known_set["french"][0].save()
    after = meeting.ends_at + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        mailing_send(mailing=follow_up, user=None, now=after)
    with django_capture_on_commit_callbacks(execute=True):
        mailing_send(mailing=follow_up, user=None, now=after)

    assert len(mail.outbox) == 6
    recipients = sorted(message.to[0] for message in mail.outbox)
    attended = sorted(r.email for r in [*known_set["french"], *known_set["german"][:2], known_set["ngo"][0]])
    assert recipients == attended
    french = next(message for message in mail.outbox if message.to == [known_set["french"][0].email])
    assert "Merci de votre participation" in french.subject
    assert MailingRecipient.objects.filter(mailing=follow_up).count() == 6


def test_follow_up_to_those_who_registered_and_did_not_attend(meeting, known_set, follow_up):
    follow_up.audience = Mailing.Audience.ABSENT
    follow_up.save()

    recipients = set(mailing_recipients(mailing=follow_up).values_list("pk", flat=True))

    assert recipients == {known_set["german"][2].pk, known_set["ngo"][1].pk, known_set["academic"].pk}


def test_attendance_loses_name_and_email_with_the_registration(meeting, known_set):
    person = known_set["french"][0]

    registrations_anonymise(pks=[person.pk], now=timezone.now())

    attendance = Attendance.objects.get(registration=person)
    assert (attendance.name, attendance.email) == ("", "")
    assert person.email not in attendance.person_key
    assert attendance.minutes == 60


def test_retention_removes_unregistered_attendees_with_their_meetings_registrations():
    starts = timezone.now() - datetime.timedelta(days=120)
    past = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    RegistrationFactory(meeting=past)
    Attendance.objects.create(meeting=past, person_key="name:caller", name="Caller 41", unregistered=True)

    registrations_anonymise_past(now=timezone.now(), days_after=90)

    assert not Attendance.objects.filter(name="Caller 41").exists()


# Attacks on the participation report and the follow-up.


def test_participation_report_of_another_teams_meeting_by_id_is_not_found(
    client, meeting, other_meeting, organiser_of_one_meeting
):
    client.force_login(organiser_of_one_meeting)

    for name in ("report", "print", "xlsx"):
        response = client.get(reverse(f"admin:registration_participation_{name}"), {"meeting": other_meeting.pk})

        assert response.status_code == 404, name


def _follow_up(meeting, body="Thanks."):
    return Mailing.objects.create(
        meeting=meeting, audience=Mailing.Audience.ATTENDED, subject_en="Thank you", body_en=body
    )


def _attended_by_email(meeting, email):
    registration = RegistrationFactory(meeting=meeting, email=email)
    Attendance.objects.create(meeting=meeting, registration=registration, person_key=f"email:{email}", minutes=60)
    return registration


def _past(meeting):
    meeting.starts_at -= datetime.timedelta(days=60)
    meeting.ends_at -= datetime.timedelta(days=60)
    meeting.registration_deadline -= datetime.timedelta(days=60)
    meeting.save()


def test_follow_up_send_on_another_teams_follow_up_sends_nothing(
    client, meeting, other_meeting, organiser_of_one_meeting, django_capture_on_commit_callbacks
):
    _past(other_meeting)
    _attended_by_email(other_meeting, "bystander@example.org")
    follow_up = _follow_up(other_meeting)
    client.force_login(organiser_of_one_meeting)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    assert response.status_code == 404
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).exists()
    assert mail.outbox == []


def test_follow_up_sent_twice_writes_to_each_participant_once(
    client, meeting, organiser_of_one_meeting, django_capture_on_commit_callbacks
):
    _past(meeting)
    _attended_by_email(meeting, "amina@example.org")
    follow_up = _follow_up(meeting)
    client.force_login(organiser_of_one_meeting)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).count() == 1


def test_follow_up_body_with_markup_is_escaped_in_the_html_email(
    client, meeting, organiser_of_one_meeting, django_capture_on_commit_callbacks
):
    _past(meeting)
    _attended_by_email(meeting, "amina@example.org")
    follow_up = _follow_up(meeting, body='Thanks <a href="https://evil.example/">click</a><script>x()</script>')
    client.force_login(organiser_of_one_meeting)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert 'href="https://evil.example/"' not in html


# Issue 19, High 1 and walk F3.22, F3.23: the dashboard and the report are safe together and say the same.

DASHBOARD = reverse("admin:registration_dashboard")
REPORT = reverse("admin:registration_participation_report")
PRINT = reverse("admin:registration_participation_print")
XLSX = reverse("admin:registration_participation_xlsx")
NON_BINARY = "Non-binary or another identity"


@pytest.fixture
def signed_in_viewer(client, meeting):
    """A Viewer of `meeting`, signed in on `client`."""
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))


def test_viewer_cannot_subtract_the_dashboard_from_the_report_to_learn_a_trade_unionists_gender(
    client, meeting, signed_in_viewer
):
    # 20 civil-society registrations, 5 of them non-binary; one trade unionist from Andorra, non-binary.
    for gender, count in (("woman", 10), ("man", 5), ("non_binary", 5)):
        RegistrationFactory.create_batch(count, meeting=meeting, category="civil_society", country="FR", gender=gender)
    RegistrationFactory(meeting=meeting, category="trade_union", country="AD", gender="non_binary")

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()
    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()
    printable = client.get(PRINT, {"meeting": meeting.pk}).content.decode()
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(XLSX, {"meeting": meeting.pk}).streaming_content))
    ).active

    header, *lines, totals = table_cells(dashboard, "gender-table")
    column = header.index(NON_BINARY)
    civil_society = next(line for line in lines if line[0] == "Civil society / NGO")
    assert civil_society[column] == "5"
    non_binary_totals = {
        "dashboard": totals[column],
        "report": report_line(report, "gender", NON_BINARY)[0],
        "printable page": report_line(printable, "gender", NON_BINARY)[0],
        "Excel": next(str(row[2]) for row in workbook.iter_rows(values_only=True) if row[1] == NON_BINARY),
    }
    # Every page shows the same figure, and none is a number that, less the civil society's 5, is one.
    assert set(non_binary_totals.values()) == {"not shown"}, non_binary_totals


def test_overall_gender_split_shows_on_both_pages_when_it_identifies_no_one(client, meeting, signed_in_viewer):
    # Five categories of two women and two men each: every cell is small, the overall 10 and 10 are not.
    for category in ("member_state", "civil_society", "academia", "trade_union", "private_sector"):
        for gender in ("woman", "woman", "man", "man"):
            RegistrationFactory(meeting=meeting, category=category, gender=gender)

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()
    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()

    header, *_lines, totals = table_cells(dashboard, "gender-table")
    assert (totals[header.index("Woman")], totals[header.index("Man")]) == ("10", "10")
    assert report_line(report, "gender", "Woman")[0] == "10"
    assert report_line(report, "gender", "Man")[0] == "10"


def test_participation_report_shows_zeros_of_categories_and_countries_as_zeros(client, meeting, signed_in_viewer):
    RegistrationFactory.create_batch(5, meeting=meeting, category="member_state", country="FR")
    RegistrationFactory(meeting=meeting, category="member_state", country="DE")

    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()

    assert report_line(report, "countries", "France") == ["5", "0"]
    assert report_line(report, "countries", "Germany") == ["fewer than 5", "0"]
    assert report_line(report, "countries", "Albania") == ["0", "0"]
    assert report_line(report, "categories", "Other") == ["0", "0"]


def test_unece_states_represented_is_the_same_figure_on_the_dashboard_and_the_report(client, meeting, signed_in_viewer):
    # Two governments; a civil-society registrant from a third State does not make it represented.
    RegistrationFactory(meeting=meeting, category="member_state", country="FR")
    RegistrationFactory(meeting=meeting, category="member_state", country="DE")
    RegistrationFactory(meeting=meeting, category="civil_society", country="IT")

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk})
    report = client.get(REPORT, {"meeting": meeting.pk})

    assert len(dashboard.context["dashboard"].unece_represented) == 2
    assert report.context["report"].states_registered == 2
    assert "represented by their government: 2 of 56" in " ".join(report.content.decode().split())
