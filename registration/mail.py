"""Outgoing email: every message is a row first, sent by a Celery task after the transaction commits."""

from .models import OutgoingEmail, Registration


def email_queue(*, registration: Registration, kind: str, reminder=None) -> OutgoingEmail:
    """Write the email row for `registration` and queue its sending once the transaction commits."""
    raise NotImplementedError("filled in by the email work (issue 4)")
