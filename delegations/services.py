"""Business rules of delegations: naming focal points, opening a delegation, nominating and withdrawing members."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting
from delegations import caps, signing_in
from delegations.mail import INVITATION, focal_point_email_queue
from delegations.models import Delegation, Entity, FocalPoint, Member
from registration import services as registration_services
from registration import waiting_list
from registration.models import Registration
from registration.rules import registration_rules_check

logger = logging.getLogger(__name__)

# What the focal point types for each member; the personal questions are the member's own (their manage link).
MEMBER_FIELDS = ("honorific", "first_name", "last_name", "job_title", "email", "listening_language", "wishes_to_speak")


class NominationsClosed(PermissionDenied):
    """The delegation's deadline has passed."""


@dataclass(frozen=True)
class Nomination:
    member: Member
    waiting: bool


def focal_point_name(*, entity: Entity, name: str, email: str, language: str) -> FocalPoint:
    """Name a focal point for a State or organisation and email them the invitation in their language."""
    with transaction.atomic():
        focal_point = FocalPoint.objects.create(entity=entity, name=name, email=email.strip(), language=language)
        focal_point_invite(focal_point=focal_point)
    return focal_point


def focal_point_change(*, focal_point: FocalPoint, now: datetime.datetime | None = None) -> FocalPoint:
    """Save a superuser's change of a focal point; a new address (or untick) spends the links sent to the old one.

    Their session ends at its next request too (`signing_in.focal_points_signed_in` compares the address).
    """
    with transaction.atomic():
        before = FocalPoint.objects.select_for_update().get(pk=focal_point.pk)
        focal_point.save()
        if before.email.casefold() != focal_point.email.strip().casefold() or not focal_point.is_active:
            signing_in.sign_in_links_spend(focal_point=focal_point, now=now or timezone.now())
    return focal_point


def focal_point_invite(*, focal_point: FocalPoint) -> None:
    """Email (again) the invitation, which points to the sign-in page; it holds no secret."""
    FocalPoint.objects.filter(pk=focal_point.pk).update(invited_at=timezone.now())
    focal_point_email_queue(focal_point=focal_point, kind=INVITATION)


def delegation_open(*, meeting: Meeting, entity: Entity) -> Delegation:
    """The State's or organisation's delegation to `meeting`, created the first time its focal point opens it."""
    delegation, _created = Delegation.objects.get_or_create(meeting=meeting, entity=entity)
    return delegation


def delegation_deadline_extend(*, delegation: Delegation, until: datetime.datetime) -> Delegation:
    """The team lets this delegation nominate until `until`, whatever the meeting's deadline."""
    Delegation.objects.filter(pk=delegation.pk).update(deadline=until)
    delegation.refresh_from_db()
    return delegation


def _changed_after_confirmation(delegation: Delegation) -> None:
    if delegation.status == Delegation.Status.CONFIRMED:
        delegation.status = Delegation.Status.CHANGES_PENDING
        delegation.save(update_fields=["status"])


def member_nominate(
    *, delegation: Delegation, data: dict[str, Any], role: str, language: str, now: datetime.datetime
) -> Nomination:
    """Nominate a member: pending the secretariat's confirmation, or on the waiting list past a cap or the capacity.

    The meeting's row is locked before anything is counted, so however many nominations arrive at once no cap
    or capacity is passed (`registration.waiting_list`). Raises `ValidationError` by field, saving nothing.
    """
    with transaction.atomic():
        meeting = waiting_list.meeting_lock(meeting=delegation.meeting)
        delegation = Delegation.objects.select_for_update().select_related("entity").get(pk=delegation.pk)
        if not delegation.is_open(now):
            raise NominationsClosed(_("Nominations for this delegation are closed."))
        check = registration_rules_check(data={name: data[name] for name in MEMBER_FIELDS}, meeting=meeting, now=now)
        errors = dict(check.errors)
        if role == Member.Role.HEAD and delegation.members.filter(role=Member.Role.HEAD, withdrawn_at=None).exists():
            errors.setdefault("role", []).append(_("This delegation already has a head of delegation."))
        if errors:
            raise ValidationError(errors)
        entity = delegation.entity
        waiting = caps.delegation_is_full(delegation=delegation) or waiting_list.meeting_is_full(meeting=meeting)
        registration = registration_services.registration_create_nominated(
            meeting=meeting,
            data={
                **check.values,
                "organisation": entity.display_name("en")[:200],
                "category": entity.category,
                "country": entity.country,
                # The public form asks a government's participants this; the member may answer it on their link.
                "imrf_attendance_level": (
                    Registration.AttendanceLevel.UNDECIDED
                    if entity.category == Registration.Category.MEMBER_STATE
                    else ""
                ),
            },
            language=language,
            waiting=waiting,
            now=now,
        )
        member = Member.objects.create(delegation=delegation, registration=registration, role=role, nominated_at=now)
        _changed_after_confirmation(delegation)
    logger.info("delegation member nominated", extra={"delegation_id": delegation.pk, "waiting": waiting})
    return Nomination(member=member, waiting=waiting)


def member_withdraw(*, member: Member, now: datetime.datetime) -> Member:
    """Withdraw a member until the deadline; their place goes to the next in line. Withdrawing twice changes nothing."""
    with transaction.atomic():
        member = (
            Member.objects.select_for_update().select_related("delegation__meeting", "registration").get(pk=member.pk)
        )
        if member.withdrawn_at is not None:
            return member
        if not member.delegation.is_open(now):
            raise NominationsClosed(_("Nominations for this delegation are closed."))
        member.withdrawn_at = now
        member.save(update_fields=["withdrawn_at"])
        # Told only if the secretariat had confirmed them: an unconfirmed nominee was never written to.
        registration_services.registration_cancel(
            registration=member.registration, now=now, notify=member.confirmed_at is not None
        )
        delegation = Delegation.objects.select_for_update().get(pk=member.delegation_id)
        _changed_after_confirmation(delegation)
    return member
