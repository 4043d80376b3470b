"""What the thank-you page shows: the address and a few answers as typed, carried by a short-lived signed cookie.

The cookie holds what the visitor typed and nothing read from the database, so the page is the same
whether the address was new or already registered (docs/security.md, point 4): a stranger typing a
registered address sees their own typing back, never the stored registration. No protected answer
(gender, diversity, accessibility) goes into it.
"""

import json

from django.conf import settings
from django.core import signing
from django.urls import reverse

from agenda.models import InterpretationLanguage
from registration.models import Registration

RESULT_COOKIE = "registration_result"
RESULT_COOKIE_SALT = "registration.thanks"
RESULT_COOKIE_MAX_AGE = 3600
# The answers the page repeats, short enough to check at a glance.
TYPED_FIELDS = ("honorific", "first_name", "last_name", "organisation", "category", "wishes_to_speak")


def thanks_cookie_set(response, *, meeting, data: dict) -> None:
    """Put the typed address and the few answers the page repeats on `response`, for the thank-you page only."""
    typed = {name: data.get(name) for name in TYPED_FIELDS}
    language = data.get("listening_language")
    typed["listening_language"] = getattr(language, "pk", language)
    response.set_signed_cookie(
        RESULT_COOKIE,
        json.dumps({"email": data["email"], "typed": typed}),
        salt=RESULT_COOKIE_SALT,
        max_age=RESULT_COOKIE_MAX_AGE,
        path=reverse("registration:thanks", args=[meeting.slug]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def thanks_read(request, *, meeting) -> dict | None:
    """The page's context from the cookie: the address, and the answers as an unsaved registration; None if none."""
    try:
        payload = json.loads(
            request.get_signed_cookie(RESULT_COOKIE, salt=RESULT_COOKIE_SALT, max_age=RESULT_COOKIE_MAX_AGE)
        )
        email = payload["email"]
    except (KeyError, TypeError, signing.BadSignature, ValueError):
        return None
    typed = payload.get("typed") if isinstance(payload.get("typed"), dict) else None
    if typed is None:
        # A cookie from before the summary: the address alone.
        return {"email": email, "typed": None}
    answers = Registration(
        meeting=meeting,
        **{name: typed.get(name) or "" for name in TYPED_FIELDS if name != "wishes_to_speak"},
        wishes_to_speak=bool(typed.get("wishes_to_speak")),
    )
    answers.listening_language = InterpretationLanguage.objects.filter(pk=typed.get("listening_language")).first()
    return {"email": email, "typed": answers}
