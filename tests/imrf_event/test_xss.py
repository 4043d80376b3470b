"""Script injected through any public field shows as text everywhere: pages, emails, admin and exports."""

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from registration.models import Registration
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "'';!--\"<XSS>=&{()}",
    '<a href="javascript:alert(1)">click</a>',
]
# Every free-text field of the public form, and a value that makes it apply.
TEXT_FIELDS = [
    "honorific",
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "category_other",
    "other_language",
    "other_language_reason",
    "gender_self_description",
    "accessibility_other",
    "intervention_topic",
    "intervention_group",
    "questions",
]


def _submit(client, meeting, payload, index):
    data = {field: payload[: Registration._meta.get_field(field).max_length or 1000] for field in TEXT_FIELDS}
    data.update(
        email=f"xss{index}@example.org",
        category="other",
        country="BE",
        listening_language=str(meeting.interpretation_languages.first().pk),
        gender="non_binary",
        diversity_consent="on",
        wishes_to_speak="on",
        intervention_coordination="group",
        privacy_consent="on",
    )
    response = client.post("/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Registration.objects.get(email=data["email"])


def _assert_escaped(html, payload, where):
    assert payload not in html, f"{payload!r} unescaped in {where}"
    for dangerous in ("<script>alert", "<img src=x", "<svg/onload", "<XSS>", 'href="javascript:'):
        assert dangerous not in html, f"{dangerous!r} in {where}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_public_field_is_escaped_everywhere(
    client, admin_client, django_capture_on_commit_callbacks, payload
):
    meeting = MeetingFactory()

    with django_capture_on_commit_callbacks(execute=True):
        registration = _submit(client, meeting, payload, PAYLOADS.index(payload))
    pages = {
        "thank-you page": client.get(reverse("registration:thanks", args=[meeting.slug])),
        "manage page": client.get(reverse("registration:manage", args=[registration.manage_token])),
        "admin list": admin_client.get(reverse("admin:registration_registration_changelist")),
        "admin search": admin_client.get(reverse("admin:registration_registration_changelist"), {"q": payload[:20]}),
        "admin detail": admin_client.get(reverse("admin:registration_registration_change", args=[registration.pk])),
        "dashboard": admin_client.get(reverse("admin:registration_dashboard")),
        "speakers' list": admin_client.get(reverse("admin:registration_registration_speakers", args=["csv"])),
    }

    assert Registration.objects.get(pk=registration.pk).organisation == payload[:200]
    for where, response in list(pages.items())[:-1]:
        assert response.status_code == 200, where
        _assert_escaped(response.content.decode(), payload, where)
    assert mail.outbox, "no confirmation email"
    for message in mail.outbox:
        for html, _mimetype in message.alternatives:
            _assert_escaped(html, payload, f"email “{message.subject}”")
        assert "<script>" not in message.subject


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","y")', "<script>alert('x')</script>"])
def test_payload_in_exports_is_plain_text(client, admin_client, payload):
    meeting = MeetingFactory()
    _submit(client, meeting, payload, 0)
    url = reverse("admin:registration_registration_export", args=["csv"])

    csv_text = b"".join(admin_client.get(url).streaming_content).decode("utf-8-sig")
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(admin_client.get(url.replace("/csv/", "/xlsx/")).streaming_content))
    )

    rows = list(csv.reader(io.StringIO(csv_text)))
    organisation_column = [title.lower() for title in rows[0]].index("organisation")
    assert rows[1][organisation_column].lstrip("'") == payload
    assert not rows[1][organisation_column].startswith("=")
    sheet = workbook.active
    header = [str(cell.value).lower() for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("organisation") + 1)
    assert cell.data_type == "s"
    assert cell.value.lstrip("'") == payload
