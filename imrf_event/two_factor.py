"""Two-factor sign-in for organisers: TOTP devices (django-otp), when a code is asked for, and enrolment."""

import time
from base64 import b32encode
from binascii import unhexlify

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .login_limits import account_pause_left, code_tries_exceeded

ENROLMENT_KEY_SESSION = "two_factor_enrolment_key"
CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "size": 8}
)


def two_factor_required() -> bool:
    return settings.ADMIN_2FA == "required"


def totp_device_get(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device: enrolment makes at most one."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_totp_device"):
        # The admin asks several times a request; the query runs once.
        user._totp_device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return user._totp_device


def two_factor_passed(*, user) -> bool:
    """Whether a signed-in user has done what two-factor sign-in asks of them.

    Verified by a code always passes; without a code, only in optional mode and only for a user
    with no device, since a device means its owner asked to be protected by it.
    """
    if getattr(user, "is_verified", lambda: False)():
        return True
    return not two_factor_required() and totp_device_get(user=user) is None


def totp_enrolment_key(*, session) -> str:
    """The secret being enrolled: kept in the session, so a reload shows the same QR code,
    and saved to a device only once a code from it is confirmed."""
    if ENROLMENT_KEY_SESSION not in session:
        session[ENROLMENT_KEY_SESSION] = random_hex(20)
    return session[ENROLMENT_KEY_SESSION]


def totp_enrolment_details(*, user, key: str) -> dict:
    """The secret as text (in groups of four) and a QR code of the otpauth:// address, as an SVG data URI."""
    secret = b32encode(unhexlify(key)).decode()
    uri = TOTPDevice(user=user, key=key).config_url
    return {
        "secret": " ".join(secret[start : start + 4] for start in range(0, len(secret), 4)),
        "qr_code": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
    }


def _token_number(token: str) -> int | None:
    token = token.replace(" ", "")
    return int(token) if token.isdigit() and len(token) in (6, 8) else None


@transaction.atomic
def totp_device_create(*, user, key: str, token: str) -> TOTPDevice | None:
    """Save the user's device for `key` if `token` is its current code; None otherwise."""
    number = _token_number(token)
    if number is None or TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
        return None
    device = TOTPDevice(user=user, key=key, name=str(_("Authenticator app")), confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(number, device.tolerance):
        return None
    # The enrolment code may not sign in again (django-otp refuses codes at or before last_t).
    device.last_t = totp.t()
    device.drift = totp.drift
    device.save()
    return device


def totp_device_verify(*, device: TOTPDevice, token: str) -> str | None:
    """None when `token` is the device's code; otherwise why not, for the person signing in."""
    allowed, _extra = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes. Wait a little, then enter the current code.")
    if (
        _token_number(token) is None
        or django_otp.verify_token(device.user, device.persistent_id, token.replace(" ", "")) is None
    ):
        if _code_just_used(device=device, token=token):
            return _(
                "This code has just been used. Wait for the next code your authenticator app shows, then enter it."
            )
        return _("This code is not right or has expired. Enter the code your authenticator app shows now.")
    return None


def _code_just_used(*, device: TOTPDevice, token: str) -> bool:
    """Whether `token` is the code of the time step already used to sign in (after enrolling, say).

    A code is accepted once (django-otp's replay protection), which reads as "wrong" to someone who
    types the code still on the screen: they are told to wait for the next one instead.
    """
    number = _token_number(token)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return number is not None and device.last_t >= totp.t() and totp.token() == number


class OrganiserLoginForm(AdminAuthenticationForm):
    """The admin login: password, then the authenticator code for a user who has set one up."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=9,
        widget=CODE_WIDGET,
        help_text=_("Leave it empty if you have not set up two-factor sign-in yet."),
    )

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and (seconds := account_pause_left(username=username)):
            # The password is not tried at all: a guess made now is no guess, and the owner waits seconds.
            raise forms.ValidationError(
                _("Many wrong passwords were typed for this account. Wait %(seconds)d seconds, then sign in again.")
                % {"seconds": seconds},
                code="account_paused",
            )
        cleaned_data = super().clean()
        user = self.get_user()
        device = totp_device_get(user=user) if user else None
        if device is None:
            return cleaned_data
        token = cleaned_data.get("otp_token", "")
        if not token:
            self.add_error("otp_token", _("Enter the code your authenticator app shows for this site."))
        elif code_tries_exceeded(request=self.request, device=device):
            self.add_error(
                "otp_token",
                _("Too many codes were typed from your network. Wait ten minutes, then enter the current code."),
            )
        elif error := totp_device_verify(device=device, token=token):
            self.add_error("otp_token", error)
        else:
            # django-otp's user_logged_in receiver stores this device in the session: verified.
            user.otp_device = device
        return cleaned_data


class EnrolmentForm(forms.Form):
    otp_token = forms.CharField(label=_("Code from your authenticator app"), max_length=9, widget=CODE_WIDGET)

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"]
        if _token_number(token) is None:
            raise forms.ValidationError(_("Enter the 6-digit code your authenticator app shows."))
        return token
