"""Certificates of participation: who may have one, issuing its code once, releasing them, and verifying a code."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from agenda.models import Meeting
from documents.models import CODE_ALPHABET, CODE_LENGTH, Certificate, CertificatePolicy
from registration.models import Attendance, Registration


class CertificateRefused(Exception):
    """No certificate for this registration: not released, not confirmed, erased, or not attended long enough."""


def certificate_policy_get(*, meeting: Meeting) -> CertificatePolicy | None:
    return CertificatePolicy.objects.filter(meeting=meeting).first()


def certificate_eligible(*, registration: Registration) -> bool:
    """Whether the participant may download a certificate now: released, confirmed, and present long enough."""
    policy = certificate_policy_get(meeting=registration.meeting)
    if policy is None or policy.released_at is None or not registration.is_reachable:
        return False
    minutes = (
        Attendance.objects.filter(meeting=registration.meeting, registration=registration, ignored=False)
        .values_list("minutes", flat=True)
        .first()
    )
    return minutes is not None and minutes >= policy.minimum_minutes


def certificate_issue(*, registration: Registration) -> Certificate:
    """The registration's certificate, its code made on the first download and the same ever after."""
    if not certificate_eligible(registration=registration):
        raise CertificateRefused
    existing = Certificate.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Certificate.objects.create(registration=registration)
    except IntegrityError:
        # Two downloads at once: the one-certificate-per-registration constraint kept the first; use it.
        return Certificate.objects.get(registration=registration)


def certificate_code_normalised(code: str) -> str:
    """The code as stored, from what a reader typed: any case, spaces or dashes, O for 0, I and L for 1."""
    cleaned = re.sub(r"[\s\-]", "", code or "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in cleaned):
        return ""
    return "-".join(cleaned[start : start + 5] for start in range(0, CODE_LENGTH, 5))


def certificate_verify(*, meeting: Meeting, code: str) -> Certificate | None:
    """The certificate of `meeting` the code names, if it still stands; None for any other code.

    An erased registration's certificate no longer verifies (its name is gone), nor a cancelled or declined one's.
    """
    normalised = certificate_code_normalised(code)
    if not normalised:
        return None
    return (
        Certificate.objects.select_related("registration")
        .filter(
            code=normalised,
            registration__meeting=meeting,
            registration__anonymised_at__isnull=True,
            registration__status=Registration.Status.ACTIVE,
        )
        .first()
    )


@transaction.atomic
def certificate_policy_save(*, meeting: Meeting, minimum_minutes: int, released: bool) -> CertificatePolicy:
    """Set the threshold and whether certificates are released; releasing again keeps the first release's time."""
    policy, _created = CertificatePolicy.objects.select_for_update().get_or_create(meeting=meeting)
    policy.minimum_minutes = minimum_minutes
    if released and policy.released_at is None:
        policy.released_at = timezone.now()
    elif not released:
        policy.released_at = None
    policy.save()
    return policy
