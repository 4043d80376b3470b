"""Limits on guessing an organiser's sign-in that slow the guesser without locking the owner out."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from registration.throttle import client_address, throttle_hit


def account_pause_left(*, username: str) -> int:
    """Seconds to wait before the next password for `username` is tried; 0 when it may be tried now.

    django-axes locks a username *at one address* after AXES_FAILURE_LIMIT wrong passwords, so
    four addresses gave twenty guesses an hour at one account. Counted over every address, past
    ADMIN_LOGIN_ACCOUNT_FAILURES wrong passwords within the cool-off period each further try must
    wait ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS after the last wrong one: a guesser gets two tries a
    minute however many addresses it has, and the owner, whose password is right, waits seconds at
    most and is never locked out (issue 19, Low 12).
    """
    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (attempts["failures"] or 0) < settings.ADMIN_LOGIN_ACCOUNT_FAILURES:
        return 0
    pause = datetime.timedelta(seconds=settings.ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS)
    left = attempts["last"] + pause - timezone.now()
    return max(int(left.total_seconds()) + 1, 0) if left > datetime.timedelta(0) else 0


def code_tries_exceeded(*, request, device) -> bool:
    """Count one authenticator code typed for `device` from this client; True once it has had its share.

    django-otp's own throttle delays the *device* after wrong codes, so someone holding the password
    could keep its owner out by typing wrong codes on purpose. Counted per device and client address
    instead (ADMIN_LOGIN_CODE_TRIES per ADMIN_LOGIN_CODE_TRIES_MINUTES), every code counted before
    it is checked, the wait falls on the guesser's network alone; OTP_TOTP_THROTTLE_FACTOR is 0 so
    the device itself is never held (issue 19, Low 12).
    """
    return throttle_hit(
        scope=f"totp:{device.pk}",
        key=client_address(request) or "unknown",
        limit=settings.ADMIN_LOGIN_CODE_TRIES,
        window_seconds=settings.ADMIN_LOGIN_CODE_TRIES_MINUTES * 60,
    )
