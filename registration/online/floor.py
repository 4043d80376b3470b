"""The speakers' list: accepting, declining and ordering requests to take the floor, and telling each speaker."""

from django.db import transaction
from django.db.models import Case, IntegerField, Max, QuerySet, Value, When
from django.utils import timezone

from agenda.models import Meeting
from registration.mail.outbox import email_queue
from registration.models import FloorDecision, OutgoingEmail, Registration
from registration.online.joining import joining_for


class FloorNotRequested(Exception):
    """The registration is not an active one asking to take the floor."""


def floor_speakers(*, meeting: Meeting) -> QuerySet[Registration]:
    """The accepted speakers in the order they take the floor.

    Member States first, then the others, as is UN practice; within each group the order the
    organisers set, then the order they accepted them in.
    """
    group = Case(
        When(category=Registration.Category.MEMBER_STATE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Registration.objects.reachable()
        .filter(
            meeting=meeting,
            floor_decision__decision=FloorDecision.Decision.ACCEPTED,
        )
        .select_related("floor_decision", "listening_language")
        .annotate(floor_group=group)
        .order_by("floor_group", "floor_decision__position", "floor_decision__decided_at", "pk")
    )


def floor_place(*, registration: Registration) -> int | None:
    """The registration's place (from 1) on its meeting's speakers' list, or None when not on it."""
    order = list(floor_speakers(meeting=registration.meeting).values_list("pk", flat=True))
    return order.index(registration.pk) + 1 if registration.pk in order else None


def _same_group(registration: Registration) -> dict:
    if registration.category == Registration.Category.MEMBER_STATE:
        return {"registration__category": Registration.Category.MEMBER_STATE}
    return {"registration__category__in": [c for c in Registration.Category.values if c != "member_state"]}


def _decide(*, registration: Registration, decision: str) -> bool:
    # The meeting's row is the lock: two organisers accepting at once still get distinct places.
    Meeting.objects.select_for_update().filter(pk=registration.meeting_id).first()
    registration = Registration.objects.select_related("meeting").get(pk=registration.pk)
    if not registration.wishes_to_speak or registration.status != Registration.Status.ACTIVE:
        raise FloorNotRequested
    current = FloorDecision.objects.filter(registration=registration).first()
    if current is not None and current.decision == decision:
        return False
    position = None
    if decision == FloorDecision.Decision.ACCEPTED:
        last = FloorDecision.objects.filter(
            registration__meeting_id=registration.meeting_id,
            decision=FloorDecision.Decision.ACCEPTED,
            **_same_group(registration),
        ).aggregate(last=Max("position"))["last"]
        position = (last or 0) + 1
    FloorDecision.objects.update_or_create(
        registration=registration,
        defaults={
            "decision": decision,
            "position": position,
            "decided_at": timezone.now(),
            "coordinated": registration.intervention_coordination == Registration.Coordination.GROUP,
        },
    )
    registration.refresh_from_db()
    email_queue(
        registration=registration,
        kind=OutgoingEmail.Kind.FLOOR_DECISION,
        # The speakers' link goes with the acceptance only once the details are shown to everyone.
        joining=joining_for(registration=registration, at=timezone.now()),
        extra={"place": floor_place(registration=registration)},
    )
    return True


@transaction.atomic
def floor_accept(*, registration: Registration) -> bool:
    """Put the request on the speakers' list, last of its group, and email the speaker; False if already accepted."""
    return _decide(registration=registration, decision=FloorDecision.Decision.ACCEPTED)


@transaction.atomic
def floor_decline(*, registration: Registration) -> bool:
    """Decline the request kindly by email (the registration stays); False if already declined."""
    return _decide(registration=registration, decision=FloorDecision.Decision.DECLINED)


@transaction.atomic
def floor_decision_update(*, decision: FloorDecision, position: int | None, coordinated: bool) -> FloorDecision:
    """The organiser's place for an accepted speaker within its group, and whether it speaks for a group."""
    decision.position = position if decision.decision == FloorDecision.Decision.ACCEPTED else None
    decision.coordinated = coordinated
    decision.save(update_fields=["position", "coordinated"])
    return decision


@transaction.atomic
def floor_reorder(*, meeting: Meeting, registration_ids: list[int]) -> None:
    """Number the accepted speakers of `meeting` in the order of `registration_ids` (groups keep their rank)."""
    decisions = {
        decision.registration_id: decision
        for decision in FloorDecision.objects.select_for_update().filter(
            registration__meeting=meeting, decision=FloorDecision.Decision.ACCEPTED
        )
    }
    for position, registration_id in enumerate(registration_ids, start=1):
        if registration_id in decisions:
            decisions[registration_id].position = position
    FloorDecision.objects.bulk_update(decisions.values(), ["position"])
