"""Exports: CSV and XLSX from the admin, safe against formula injection, any script intact, constant queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.exports.tables import CsvExporter, XlsxExporter, formula_safe, registration_table
from registration.models import PROTECTED_FIELDS, Registration
from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
HYPERLINK = '=HYPERLINK("http://x","y")'


def _export_url(format_id):
    return reverse("admin:registration_registration_export", args=[format_id])


def _speakers_url(format_id):
    return reverse("admin:registration_registration_speakers", args=[format_id])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[dict]:
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(_body(response)))
    return workbook.active


def _xlsx_rows(response) -> list[dict]:
    rows = list(_xlsx_sheet(response).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def hostile(meeting):
    return RegistrationFactory(
        meeting=meeting,
        first_name="Ђорђе",
        last_name="Đoković-Čačić",
        organisation=HYPERLINK,
        job_title="+381 adviser",
        category_other="-2+3",
        intervention_topic="@SUM(A1:A9)",
        questions="\t=1+1",
    )


def test_csv_export_of_a_hostile_registration_keeps_names_and_runs_no_formula(client, organiser, hostile):
    response = client.get(_export_url("csv"), {"q": "Đoković"})

    rows = _csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["first name"], row["last name"]) == ("Ђорђе", "Đoković-Čačić")
    # A leading apostrophe makes Excel and LibreOffice read the cell as text.
    assert row["organisation"] == "'" + HYPERLINK
    assert row["position / job title"] == "'+381 adviser"
    assert row["other category"] == "'-2+3"
    assert row["intervention topic"] == "'@SUM(A1:A9)"
    assert row["questions for the secretariat"] == "'\t=1+1"


def test_xlsx_export_of_a_hostile_registration_keeps_names_and_writes_no_formula(client, organiser, hostile):
    response = client.get(_export_url("xlsx"), {"q": "Đoković"})

    sheet = _xlsx_sheet(response)
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    organisation = row[header.index("organisation")]
    assert response["Content-Type"] == XlsxExporter.content_type
    assert sheet.max_row == 2
    assert row[header.index("first name")].value == "Ђорђе"
    assert row[header.index("last name")].value == "Đoković-Čačić"
    assert organisation.value == HYPERLINK
    assert organisation.data_type == "s"
    assert organisation.quotePrefix
    for column in ("position / job title", "other category", "intervention topic", "questions for the secretariat"):
        assert row[header.index(column)].data_type == "s"


def test_xlsx_export_drops_characters_a_spreadsheet_cannot_hold(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, questions="bell\x07 and escape\x1b end")

    rows = _xlsx_rows(client.get(_export_url("xlsx")))

    assert rows[0]["questions for the secretariat"] == "bell and escape end"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\rx", "'\rx"), ("Ana", "Ana"), ("", "")],
)
def test_formula_safe_prefixes_only_what_a_spreadsheet_would_run(value, expected):
    assert formula_safe(value) == expected


def test_export_has_one_column_per_field_and_no_manage_token(client, organiser, meeting):
    registration = RegistrationFactory(meeting=meeting)

    rows = _csv_rows(client.get(_export_url("csv")))

    # Without the diversity permission: every field but the manage token, the protected answers and
    # the time of their consent (issue 19, Medium 3).
    assert len(rows[0]) == len(Registration._meta.concrete_fields) - 1 - len(PROTECTED_FIELDS)
    assert registration.manage_token not in str(rows)
    assert rows[0]["registered at (meeting time)"] == timezone.localtime(
        registration.created_at, meeting.tzinfo
    ).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("extra", "visible"), [([], False), (["registration.view_diversity_answers"], True)])
def test_export_includes_diversity_answers_only_with_the_permission(client, meeting, extra, visible):
    client.force_login(user_create(username="organiser", group=ORGANISERS, permissions=extra, in_every_team=True))
    RegistrationFactory(meeting=meeting, age_group=Registration.AgeGroup.UNDER_25)

    rows = _csv_rows(client.get(_export_url("csv")))

    assert ("age group" in rows[0]) is visible
    assert ("Under 25" in rows[0].values()) is visible


def test_export_all_follows_the_changelist_filters(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, first_name="Academic", category=Registration.Category.ACADEMIA)
    RegistrationFactory(meeting=meeting, first_name="Minister")

    rows = _csv_rows(client.get(_export_url("csv"), {"category__exact": "academia"}))

    assert [row["first name"] for row in rows] == ["Academic"]


def test_export_action_exports_the_selection(client, organiser, meeting):
    chosen = RegistrationFactory(meeting=meeting, first_name="Chosen")
    RegistrationFactory(meeting=meeting, first_name="Left")

    response = client.post(CHANGELIST, {"action": "export_xlsx", "_selected_action": [chosen.pk]})

    assert [row["first name"] for row in _xlsx_rows(response)] == ["Chosen"]


def test_export_of_an_unknown_format_is_not_found(client, organiser, meeting):
    response = client.get(_export_url("pdf"))

    assert response.status_code == 404


def test_export_with_a_forged_filter_goes_back_to_the_list(client, organiser, meeting):
    response = client.get(_export_url("csv"), {"confirmation": "forged"})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST


def test_speakers_list_is_in_order_of_request_with_coordinated_groups_together(client, organiser, meeting):
    start = timezone.now() - datetime.timedelta(days=3)

    def speaker(name, hours, **fields):
        return RegistrationFactory(
            meeting=meeting,
            first_name=name,
            wishes_to_speak=True,
            created_at=start + datetime.timedelta(hours=hours),
            **fields,
        )

    group = {"intervention_coordination": Registration.Coordination.GROUP}
    speaker("Cancelled", 0, status=Registration.Status.CANCELLED)
    speaker("Own first", 1, intervention_coordination=Registration.Coordination.OWN)
    speaker("EU first", 2, intervention_group="European Union", **group)
    speaker("Own second", 3)
    speaker("EU second", 4, intervention_group="  european union ", **group)
    speaker("Group of Friends", 5, intervention_group="Group of Friends", **group)
    RegistrationFactory(meeting=meeting, first_name="Listener", wishes_to_speak=False)

    rows = _csv_rows(client.get(_speakers_url("csv")))

    assert [(row["order"], row["group"], row["first name"]) for row in rows] == [
        ("1", "1", "Own first"),
        ("2", "2", "EU first"),
        ("3", "2", "EU second"),
        ("4", "3", "Own second"),
        ("5", "4", "Group of Friends"),
    ]


def test_speakers_list_in_xlsx_has_the_same_rows(client, organiser, meeting):
    RegistrationFactory(meeting=meeting, first_name="Ђорђе", wishes_to_speak=True, intervention_topic="=cmd")

    rows = _xlsx_rows(client.get(_speakers_url("xlsx")))

    assert [(row["order"], row["first name"], row["intervention topic"]) for row in rows] == [(1, "Ђорђе", "=cmd")]


def _bulk(meeting, count, *, start=0):
    language = meeting.interpretation_languages.order_by("position", "pk").first()
    Registration.objects.bulk_create(
        RegistrationFactory.build(meeting=meeting, listening_language=language, email=f"bulk{start + i}@example.org")
        for i in range(count)
    )


@pytest.mark.parametrize("format_id", ["csv", "xlsx"])
def test_export_runs_as_many_queries_for_1000_registrations_as_for_10(client, organiser, meeting, format_id):
    def export():
        with CaptureQueriesContext(connection) as queries:
            body = _body(client.get(_export_url(format_id)))
        return len(queries), body

    _bulk(meeting, 10)
    few_queries, few_body = export()
    _bulk(meeting, 990, start=10)

    many_queries, many_body = export()

    assert len(many_body) > len(few_body)
    assert many_queries == few_queries


def test_exporters_stream_rows_from_an_iterator(meeting):
    RegistrationFactory(meeting=meeting)
    table = registration_table(queryset=Registration.objects.all())

    response = CsvExporter(table=table, filename_stem="registrations").response()

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="registrations.csv"'


def test_xlsx_export_has_readable_widths_and_a_filter_on_every_heading(meeting):
    RegistrationFactory.create_batch(3, meeting=meeting)
    handle = io.BytesIO()

    XlsxExporter(table=registration_table(queryset=Registration.objects.all()), filename_stem="x").write(handle)

    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue())).active
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}4"
    assert all(sheet.column_dimensions[letter].width >= 12 for letter in ("A", "B", "C"))


def test_an_erased_participants_request_to_speak_is_off_the_speakers_list(meeting):
    from registration.selectors import registration_speakers_list

    kept = RegistrationFactory(meeting=meeting, wishes_to_speak=True, intervention_topic="Return")
    RegistrationFactory(meeting=meeting, wishes_to_speak=True, anonymised_at=timezone.now())

    assert list(registration_speakers_list(registrations=Registration.objects.all())) == [kept]


def test_registrations_list_offers_its_rows_as_csv_and_excel_only_not_as_a_word_document(client, organiser, hostile):
    # The Word format is the list of participants' (documents app); a table of rows is not a Word document.
    listing = client.get(CHANGELIST).content.decode()
    word = client.get(_export_url("docx"))
    speakers_word = client.get(reverse("admin:registration_registration_speakers", args=["docx"]))

    assert _export_url("csv") in listing and _export_url("xlsx") in listing
    assert _export_url("docx") not in listing
    assert (word.status_code, speakers_word.status_code) == (404, 404)
