"""Focal points sign in without a password: a one-time link by email, then a session of a few hours.

Only the SHA-256 of a link's token is stored, so a copy of the database signs no one in. The session holds
the focal points' ids and its own end, apart from Django's staff login: a focal point is never a user.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from delegations.mail import SIGN_IN, focal_point_email_queue
from delegations.models import FocalPoint, SignInLink
from registration.rules import email_normalise

SESSION_KEY = "focal_point"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_link_request(*, email: str, now: datetime.datetime) -> bool:
    """Email a one-time link to `email` if it is an active focal point's; the caller answers the same either way."""
    focal_point = FocalPoint.objects.filter(email__iexact=email_normalise(email), is_active=True).order_by("pk").first()
    if focal_point is None:
        return False
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SignInLink.objects.create(
            focal_point=focal_point,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + SignInLink.VALID_FOR,
        )
        link = settings.SITE_URL + reverse("delegations:sign_in_link", args=[token])
        focal_point_email_queue(focal_point=focal_point, kind=SIGN_IN, link=link)
    return True


def sign_in_link_use(*, token: str, now: datetime.datetime) -> list[int]:
    """Spend the link: the ids of the focal points its address signs in as, or [] if it is unknown, used or late."""
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("focal_point")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if link is None or link.used_at is not None or link.expires_at <= now or not link.focal_point.is_active:
            return []
        link.used_at = now
        link.save(update_fields=["used_at"])
        # One person may be focal point for several States or organisations: one sign-in serves them all.
        return list(
            FocalPoint.objects.filter(email__iexact=link.focal_point.email, is_active=True).values_list("pk", flat=True)
        )


def focal_point_session_start(*, session, focal_point_ids: list[int], now: datetime.datetime) -> None:
    # A new session key, so a key planted before the sign-in (session fixation) is worth nothing after it.
    session.cycle_key()
    until = now + datetime.timedelta(seconds=settings.FOCAL_POINT_SESSION_SECONDS)
    # Each id with the address it signed in by: a focal point whose address is changed is someone else now.
    emails = dict(FocalPoint.objects.filter(pk__in=focal_point_ids).values_list("pk", "email"))
    signed = [[pk, emails[pk].casefold()] for pk in focal_point_ids if pk in emails]
    session[SESSION_KEY] = {"signed": signed, "until": until.timestamp()}


def focal_point_session_end(*, session) -> None:
    session.pop(SESSION_KEY, None)
    session.cycle_key()


def focal_points_signed_in(*, session, now: datetime.datetime) -> list[FocalPoint]:
    """The active focal points this session signs in as; [] when none, or once its hours are over."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("until"), float) or value["until"] <= now.timestamp():
        session.pop(SESSION_KEY, None)
        return []
    signed = {
        pair[0]: pair[1]
        for pair in value.get("signed", [])
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int) and isinstance(pair[1], str)
    }
    # Replaced since they signed in, or given another address: out at once.
    focal_points = FocalPoint.objects.filter(pk__in=signed, is_active=True).select_related("entity")
    return [focal_point for focal_point in focal_points if focal_point.email.casefold() == signed[focal_point.pk]]


def sign_in_links_spend(*, focal_point: FocalPoint, now: datetime.datetime) -> int:
    """Spend the focal point's links not yet used, so none sent to an address they no longer have still works."""
    return SignInLink.objects.filter(focal_point=focal_point, used_at=None).update(used_at=now)
