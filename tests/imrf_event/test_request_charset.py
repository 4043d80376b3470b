"""A form posted in a charset other than UTF-8 answers the site's 400 page on every form address (issue 19, Low 8)."""

import pytest
from django.test import Client
from django.urls import reverse

from registration.models import EmailChangeRequest
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import user_create

pytestmark = pytest.mark.django_db

BAD_CONTENT_TYPES = [
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    'multipart/form-data; boundary=xyz; charset="utf-16"',
    # UTF-8 spelt without its hyphen: Django refuses to read it, and the 400 handler must not read it again.
    "application/x-www-form-urlencoded; charset=utf8",
]


def _form_addresses(meeting, registration, change, superuser):
    """Every address that takes a form, public and admin, with what it needs."""
    token = registration.manage_token
    return [
        reverse("registration:register", args=[meeting.slug]),
        reverse("registration:legacy_register"),
        reverse("registration:manage", args=[token]),
        reverse("registration:cancel", args=[token]),
        reverse("registration:restore", args=[token]),
        reverse("registration:erase", args=[token]),
        reverse("registration:email_change_confirm", args=[change.token]),
        reverse("registration:email_change_refuse", args=[change.token]),
        reverse("set_language"),
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin:two_factor_enrol"),
        reverse("admin:registration_registration_changelist"),
        reverse("admin:registration_registration_change", args=[registration.pk]),
        reverse("admin:registration_attendance_upload"),
        reverse("admin:agenda_meeting_change", args=[meeting.pk]),
        reverse("admin:auth_user_change", args=[superuser.pk]),
        "/no-such-address/",
    ]


@pytest.mark.parametrize("content_type", BAD_CONTENT_TYPES)
def test_form_posted_in_another_charset_answers_the_sites_400_page_on_every_form_address(content_type):
    meeting = MeetingFactory()
    registration = RegistrationFactory(meeting=meeting)
    change = EmailChangeRequest.objects.create(registration=registration, new_email="new@example.org")
    superuser = user_create(username="root", in_every_team=True)
    superuser.is_superuser = True
    superuser.save()
    # As a browser would: CSRF checks on, a CSRF cookie from an earlier page, signed in to the admin.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(superuser)
    client.get(reverse("admin:registration_registration_change", args=[registration.pk]))
    csrf_token = client.cookies["csrftoken"].value

    for address in _form_addresses(meeting, registration, change, superuser):
        response = client.generic(
            "POST",
            address,
            f"csrfmiddlewaretoken={csrf_token}&first_name=%FF%FE".encode(),
            content_type=content_type,
            headers={"accept-language": "fr"},
        )

        assert response.status_code == 400, address
        page = response.content.decode()
        assert "Requête incorrecte" in page, address
        assert 'href="/static/css/site.css"' in page, address
    registration.refresh_from_db()
    assert registration.status == registration.Status.ACTIVE


def test_form_posted_in_utf8_is_read_as_usual(client):
    meeting = MeetingFactory()

    for charset in ("utf-8", "UTF-8"):
        response = client.generic(
            "POST",
            reverse("registration:register", args=[meeting.slug]),
            b"first_name=Ana",
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )

        assert response.status_code == 200, charset
