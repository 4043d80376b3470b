"""Manage-link tokens never reach the logs."""

import logging

import pytest
from django.test import RequestFactory

from imrf_event.log_filters import RedactManageTokens

TOKEN = "Zq3k9vT0bXr8yLm2Nw5pQe7sHc1dFg4jKa6uVi0oPzA"


def _record(message, *args, **extra):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("Forbidden: %s", (f"/register/manage/{TOKEN}/",)),
        ('"GET /register/manage/%s/cancel/ HTTP/1.1" 200 5120', (TOKEN,)),
        (f"Not Found: /register/manage/{TOKEN}/", ()),
    ],
)
def test_redact_manage_tokens_removes_the_token_from_the_message(message, args):
    record = _record(message, *args)

    RedactManageTokens().filter(record)

    assert TOKEN not in record.getMessage()
    assert "/manage/[hidden]" in record.getMessage()


def test_redact_manage_tokens_removes_the_token_from_the_attached_request():
    request = RequestFactory().post(f"/register/manage/{TOKEN}/")
    record = _record("Forbidden: %s", request.path, request=request, status_code=403)

    RedactManageTokens().filter(record)

    assert TOKEN not in str(record.request)
    assert TOKEN not in record.getMessage()


def test_redact_manage_tokens_leaves_other_messages_alone():
    record = _record("registration created %s", 42)

    RedactManageTokens().filter(record)

    assert record.getMessage() == "registration created 42"


def test_redact_manage_tokens_removes_any_secret_link_of_the_registration_pages():
    record = _record("Not Found: %s", f"/register/email/{TOKEN}/confirm/")

    RedactManageTokens().filter(record)

    assert record.getMessage() == "Not Found: /register/email/[hidden]/confirm/"
