"""Issue 19, Low 12: password and code guesses slowed, never turned against the owner (login_limits.py)."""

import datetime
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db


LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def owner():
    user = user_create(username="organiser", group=ORGANISERS)
    user.set_password(PASSWORD)
    user.save()
    return user


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_guesses_from_four_addresses_slow_down_at_the_account_ceiling(owner, settings):
    settings.ADMIN_LOGIN_ACCOUNT_FAILURES = 10
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        for _guess in range(4):  # under axes' 5 per address
            _from(address).post(LOGIN, {"username": "organiser", "password": "guess"})
    attacker = _from("192.0.2.4")

    paused = attacker.post(LOGIN, {"username": "organiser", "password": PASSWORD})

    assert paused.status_code == 200
    assert "Wait" in paused.content.decode() and "seconds" in paused.content.decode()
    assert "_auth_user_id" not in attacker.session
    # Of 12 guesses and the last try only the first 10 were tried at all: the rest came during a pause.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 10


def test_owner_signs_in_once_the_short_pause_after_the_last_guess_is_over(owner, settings):
    settings.ADMIN_LOGIN_ACCOUNT_FAILURES = 10
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        for _guess in range(4):
            _from(address).post(LOGIN, {"username": "organiser", "password": "guess"})
    # The pause is ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS after the last wrong password, not an hour.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(seconds=settings.ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS + 1)
    )
    owner_client = _from("198.51.100.7")

    signed_in = owner_client.post(LOGIN, {"username": "organiser", "password": PASSWORD})

    assert signed_in.status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.usefixtures("owner")
def test_wrong_codes_from_someone_with_the_password_do_not_keep_the_owner_out(owner, settings):
    settings.ADMIN_2FA = "required"
    device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)
    thief = _from("192.0.2.66")
    for _guess in range(30):
        thief.post(LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": "000000"})
    refused = thief.post(
        LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": f"{totp(unhexlify(device.key)):06d}"}
    )
    owner_client = _from("198.51.100.7")

    signed_in = owner_client.post(
        LOGIN, {"username": "organiser", "password": PASSWORD, "otp_token": f"{totp(unhexlify(device.key)):06d}"}
    )

    # The thief's network has had its codes, even a right one is not checked any more; the owner gets in.
    assert "_auth_user_id" not in thief.session
    assert "Too many codes" in refused.content.decode()
    assert signed_in.status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)
