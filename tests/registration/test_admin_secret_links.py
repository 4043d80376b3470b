"""An organiser cannot read, search or filter out a participant's manage token anywhere in the admin."""

import io
import zipfile

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from registration.mail import outbox
from registration.models import OutgoingEmail, Registration, Reminder
from registration.secret_links import secret_links_redact
from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

# A link of the kind another part of the site is adding: hidden by the same rule.
FUTURE_TOKEN = "Fu7ureT0kenForEmailConfirmation_abc-xyz12"
EMAIL_CHANGELIST = reverse("admin:registration_outgoingemail_changelist")
REGISTRATION_CHANGELIST = reverse("admin:registration_registration_changelist")


@pytest.fixture
def organiser(client, meeting):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    return client


@pytest.fixture
def registration(meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Ђорђе", wishes_to_speak=True)
    outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    reminder = Reminder.objects.create(
        meeting=meeting, subject="Your link: {manage_link}", body="Open {manage_link} to change your answers."
    )
    outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.REMINDER, reminder=reminder)
    failed = outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.MANAGE_LINK)
    failed.body_text += f"\nConfirm: https://example.org/register/email/{FUTURE_TOKEN}/confirm/\n"
    failed.mark_failed(error=f"SMTPDataError: 554 rejected, quoting /register/manage/{registration.manage_token}/")
    failed.save(update_fields=["body_text"])
    return registration


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(response):
    body = _body(response)
    if body.startswith(b"PK"):
        # An .xlsx: every sheet, string table and property inside the zip.
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return "".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return body.decode("utf-8-sig")


def test_admin_pages_never_show_a_manage_token(organiser, registration):
    emails = list(registration.emails.all())
    token = registration.manage_token
    urls = [
        EMAIL_CHANGELIST,
        f"{EMAIL_CHANGELIST}?q={registration.email}",
        *(reverse("admin:registration_outgoingemail_change", args=[email.pk]) for email in emails),
        *(reverse("admin:registration_outgoingemail_history", args=[email.pk]) for email in emails),
        REGISTRATION_CHANGELIST,
        f"{REGISTRATION_CHANGELIST}?q={registration.last_name}",
        reverse("admin:registration_registration_change", args=[registration.pk]),
        reverse("admin:registration_registration_history", args=[registration.pk]),
        reverse("admin:registration_registration_export", args=["csv"]),
        reverse("admin:registration_registration_export", args=["xlsx"]),
        reverse("admin:registration_registration_speakers", args=["csv"]),
        reverse("admin:registration_registration_speakers", args=["xlsx"]),
        reverse("admin:registration_dashboard"),
    ]

    pages = {url: organiser.get(url) for url in urls}

    assert len(emails) == 3
    for url, response in pages.items():
        assert response.status_code == 200, url
        text = _text(response)
        assert token not in text, url
        assert FUTURE_TOKEN not in text, url
    reminder = next(email for email in emails if email.kind == OutgoingEmail.Kind.REMINDER)
    reminder_page = pages[reverse("admin:registration_outgoingemail_change", args=[reminder.pk])].content.decode()
    assert "Your link: http" in reminder_page
    assert "/register/manage/[hidden]/" in reminder_page
    registration_page = pages[reverse("admin:registration_registration_change", args=[registration.pk])]
    assert "/register/manage/[hidden]/" in registration_page.content.decode()


def test_admin_emails_keep_the_token_for_the_participant(registration):
    # What is sent is untouched: only what the admin shows is redacted.
    reminder = registration.emails.get(kind=OutgoingEmail.Kind.REMINDER)

    assert registration.manage_token in reminder.subject
    assert registration.manage_token in reminder.body_text


@pytest.mark.parametrize("length", [8, 20, 43])
def test_admin_email_search_cannot_find_an_email_by_part_of_its_token(organiser, registration, length):
    response = organiser.get(EMAIL_CHANGELIST, {"q": registration.manage_token[:length]})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_admin_email_search_by_recipient_still_works(organiser, registration):
    response = organiser.get(EMAIL_CHANGELIST, {"q": registration.email})

    assert response.context["cl"].result_count == 3


@pytest.mark.parametrize(
    "lookup",
    [
        "body_text__contains",
        "body_html__contains",
        "subject__contains",
        "last_error__icontains",
        "registration__manage_token__startswith",
    ],
)
def test_admin_email_list_refuses_filtering_by_a_token_in_the_url(organiser, registration, lookup):
    response = organiser.get(EMAIL_CHANGELIST, {lookup: registration.manage_token[:6]})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "lookup", ["manage_token__startswith", "manage_token", "emails__registration__manage_token__gt"]
)
def test_admin_registration_list_refuses_filtering_by_a_token_in_the_url(admin_client, registration, lookup):
    # Even a superuser: a count that answers "starts with abc" reads a participant's link a character at a time.
    response = admin_client.get(REGISTRATION_CHANGELIST, {lookup: registration.manage_token[:3]})

    assert response.status_code == 400


def test_organiser_resends_the_manage_link_without_seeing_it(organiser, registration, mailoutbox):
    data = {"action": "resend_confirmation", helpers.ACTION_CHECKBOX_NAME: [registration.pk]}

    response = organiser.post(REGISTRATION_CHANGELIST, data, follow=True)

    assert response.status_code == 200
    assert registration.manage_token not in response.content.decode()
    resent = registration.emails.filter(kind=OutgoingEmail.Kind.CONFIRMATION).order_by("-created_at").first()
    assert registration.emails.filter(kind=OutgoingEmail.Kind.CONFIRMATION).count() == 2
    assert f"/register/manage/{registration.manage_token}/" in resent.body_text
    assert resent.to_email == registration.email
    assert Registration.objects.get(pk=registration.pk).manage_token == registration.manage_token


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://x.org/register/manage/AbCdEfGhIjKlMnOpQrStUv-_09/", "https://x.org/register/manage/[hidden]/"),
        ("/register/manage/AbCdEfGhIjKlMnOpQrStUv-_09/cancel/", "/register/manage/[hidden]/cancel/"),
        ("/fr/register/email/AbCdEfGhIjKlMnOpQrStUv/refuse/", "/fr/register/email/[hidden]/refuse/"),
        ("/register/privacy/ and /register/thanks/", "/register/privacy/ and /register/thanks/"),
        ("/agenda/AbCdEfGhIjKlMnOpQrStUv-_09/", "/agenda/AbCdEfGhIjKlMnOpQrStUv-_09/"),
    ],
)
def test_secret_links_redact_hides_long_segments_after_register_only(text, shown):
    assert secret_links_redact(text=text) == shown
