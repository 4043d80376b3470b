"""Refusing a request body in any character set but UTF-8 with the site's own 400 page, before anything reads it."""

import codecs
import logging

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

# Every page of the site is UTF-8, so its forms are; Django reads a urlencoded body in no other.
ACCEPTED_CHARSETS = {"utf-8"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _charset_accepted(content_type: str) -> bool:
    for parameter in content_type.split(";")[1:]:
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() != "charset":
            continue
        try:
            return codecs.lookup(value.strip().strip('"')).name in ACCEPTED_CHARSETS
        except LookupError:
            # A charset Python does not know: Django would quietly read the body as UTF-8.
            return False
    return True


@csrf_exempt
def bad_request(request, exception=None):
    """The site's 400 page. Django's own handler passes through the CSRF check, which reads the body
    again: a body Django refused to read (a form in UTF-16) then raised once more, and answered 500."""
    return render(request, "400.html", status=400)


class FormCharsetMiddleware:
    """A body declared in UTF-16, Latin-1 or an unknown charset answers 400, on every address, public and admin.

    Placed before the CSRF middleware, the first to read a form's body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not _charset_accepted(request.META.get("CONTENT_TYPE", "")):
            logger.info("request body in another charset refused", extra={"path": request.path})
            return bad_request(request)
        return self.get_response(request)
