"""Organisers' sign-in: the authenticator code (ADMIN_2FA), enrolling a device, and the 8-hour idle session."""

import base64
import datetime
import os
import subprocess
from binascii import unhexlify

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from imrf_event.two_factor import ENROLMENT_KEY_SESSION
from tests.factories import MeetingFactory
from tests.imrf_event.settings_import import settings_import
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
LOGOUT = reverse("admin:logout")
INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:registration_registration_changelist")
ENROL = reverse("admin:two_factor_enrol")
PASSWORD = "correct horse battery staple"
required = override_settings(ADMIN_2FA="required")


@pytest.fixture
def organiser():
    user = user_create(username="organiser", group=ORGANISERS)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def device(organiser):
    return TOTPDevice.objects.create(user=organiser, name="Phone", confirmed=True)


def code_for(key_hex: str, offset_steps: int = 0) -> str:
    return f"{totp(unhexlify(key_hex), drift=offset_steps):06d}"


def sign_in(client, *, follow=False, **extra):
    return client.post(
        LOGIN, {"username": "organiser", "password": PASSWORD, "next": CHANGELIST, **extra}, follow=follow
    )


@required
def test_admin_required_password_alone_does_not_open_the_admin_for_an_organiser_with_a_device(client, device):
    response = sign_in(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Enter the code your authenticator app shows" in response.content.decode()
    assert client.get(CHANGELIST).status_code == 302


@required
def test_admin_required_wrong_code_is_refused_and_the_username_kept(client, device):
    wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"

    response = sign_in(client, otp_token=wrong)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "This code is not right or has expired" in page
    assert 'value="organiser"' in page


@required
def test_admin_required_right_code_opens_the_admin(client, device):
    response = sign_in(client, otp_token=code_for(device.key))

    assert response.status_code == 302
    assert client.get(CHANGELIST).status_code == 200


@required
def test_admin_required_a_code_cannot_be_used_twice(client, device):
    code = code_for(device.key)
    sign_in(client, otp_token=code)
    client.post(LOGOUT)

    replayed = sign_in(client, otp_token=code)

    assert replayed.status_code == 200
    assert "_auth_user_id" not in client.session


@required
def test_admin_required_session_signed_in_without_a_code_is_refused(client, device, organiser):
    # A session from before ADMIN_2FA was required: signed in, never verified.
    client.force_login(organiser)

    response = client.get(CHANGELIST, follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@required
def test_admin_required_wrong_passwords_still_lock_the_login_with_a_code(client, device):
    for _attempt in range(5):
        client.post(LOGIN, {"username": "organiser", "password": "wrong", "otp_token": "000000"})

    locked = sign_in(client, otp_token=code_for(device.key))

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@required
def test_admin_required_organiser_without_a_device_enrols_before_reaching_the_admin(client, organiser):
    signed_in = sign_in(client, follow=True)
    key = client.session[ENROLMENT_KEY_SESSION]
    secret_shown = signed_in.content.decode()
    not_yet = client.get(CHANGELIST)
    wrong = client.post(ENROL, {"otp_token": code_for(key, offset_steps=10), "next": CHANGELIST})
    confirmed = client.post(ENROL, {"otp_token": code_for(key), "next": CHANGELIST})

    assert signed_in.redirect_chain[-1][0].startswith(ENROL)
    assert 'src="data:image/svg+xml' in secret_shown
    assert "<script>" not in secret_shown
    assert "script-src 'self'" in signed_in["Content-Security-Policy"]
    assert not_yet.status_code == 302
    assert wrong.status_code == 200
    assert "This code does not match" in wrong.content.decode()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == CHANGELIST
    assert client.get(CHANGELIST).status_code == 200
    device = TOTPDevice.objects.get(user=organiser)
    assert device.confirmed and device.key == key
    assert ENROLMENT_KEY_SESSION not in client.session


@required
def test_admin_enrolment_secret_shown_as_text_is_the_saved_key(client, organiser):
    page = sign_in(client, follow=True).content.decode()
    key = client.session[ENROLMENT_KEY_SESSION]

    secret = base64.b32encode(unhexlify(key)).decode()
    assert " ".join(secret[start : start + 4] for start in range(0, len(secret), 4)) in page


@required
def test_admin_required_half_signed_in_organiser_can_log_out(client, organiser):
    sign_in(client)

    response = client.post(LOGOUT)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_enrolment_page_needs_a_signed_in_organiser(client, organiser):
    response = client.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_admin_optional_organiser_without_a_device_gets_in_and_is_offered_enrolment(client, organiser):
    sign_in(client)

    index = client.get(INDEX)

    assert index.status_code == 200
    assert f'href="{ENROL}"' in index.content.decode()


def test_admin_optional_organiser_with_a_device_must_enter_its_code(client, device):
    refused = sign_in(client)
    accepted = sign_in(client, otp_token=code_for(device.key))

    assert refused.status_code == 200
    assert accepted.status_code == 302
    index = client.get(INDEX)
    assert index.status_code == 200
    assert f'href="{ENROL}"' not in index.content.decode()


def test_admin_optional_enrolment_from_the_admin_turns_the_code_on(client, organiser):
    sign_in(client)
    client.get(ENROL)
    key = client.session[ENROLMENT_KEY_SESSION]
    client.post(ENROL, {"otp_token": code_for(key)})
    client.post(LOGOUT)

    password_alone = sign_in(client)

    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()
    assert password_alone.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_session_lasts_eight_hours_from_the_last_request(client, organiser):
    sign_in(client)
    session = Session.objects.get(session_key=client.session.session_key)
    # Seven hours and 59 minutes idle: the next request still gets in and starts the 8 hours again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert client.session.get_expiry_age() == 8 * 60 * 60
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + datetime.timedelta(hours=7, minutes=59)


def test_admin_session_idle_for_eight_hours_is_refused(client, organiser):
    sign_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_public_pages_start_no_session(client):
    meeting = MeetingFactory()

    for url in (
        "/",
        reverse("agenda:meeting", args=[meeting.slug]),
        reverse("agenda:agenda", args=[meeting.slug]),
        reverse("registration:register", args=[meeting.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies

    assert not Session.objects.exists()


def _settings_value(environment_changes: dict) -> subprocess.CompletedProcess:
    environment = (
        {key: value for key, value in os.environ.items() if key not in ("DEBUG", "ADMIN_2FA", "DJANGO_SETTINGS_MODULE")}
        | {"SECRET_KEY": "test-only"}
        | environment_changes
    )
    return settings_import(environment, code="import imrf_event.settings as s; print(s.ADMIN_2FA)")


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "required"), ({"DEBUG": "true"}, "optional"), ({"ADMIN_2FA": "optional"}, "optional")],
)
def test_settings_admin_2fa_default_is_required_unless_debug(environment, expected):
    result = _settings_value(environment)

    assert result.stdout.strip() == expected, result.stderr


def test_settings_refuse_a_mistyped_admin_2fa():
    result = _settings_value({"ADMIN_2FA": "yes"})

    assert result.returncode != 0
    assert "ADMIN_2FA must be 'required' or 'optional'" in result.stderr


@required
def test_the_code_just_used_is_refused_with_wait_for_the_next_one(client, device):
    code = code_for(device.key)
    assert sign_in(client, otp_token=code).status_code == 302
    client.post(LOGOUT)

    response = sign_in(client, otp_token=code)

    assert "_auth_user_id" not in client.session
    assert "Wait for the next code your authenticator app shows" in response.content.decode()
