"""Caps of members per delegation: how many a delegation may have, and who on the waiting list fits under them."""

from django.db.models import Count, Q, QuerySet

from agenda.models import Meeting
from delegations.models import Delegation, MemberCap
from registration.models import Registration


def delegation_cap(*, delegation: Delegation) -> int | None:
    """The most members the delegation may have at its meeting, by its category; None without a cap."""
    cap = MemberCap.objects.filter(meeting_id=delegation.meeting_id, category=delegation.entity.category).first()
    return cap.max_members if cap else None


def delegation_places_taken(*, delegation: Delegation) -> int:
    """Members holding a place (confirmed, pending or offered one); read it with the meeting locked."""
    return Registration.objects.filter(delegation_member__delegation=delegation).holding_place().count()


def delegation_is_full(*, delegation: Delegation) -> bool:
    cap = delegation_cap(delegation=delegation)
    return cap is not None and delegation_places_taken(delegation=delegation) >= cap


def candidates_within_caps(candidates: QuerySet, meeting: Meeting) -> QuerySet:
    """The waiting registrations that may be offered a place: not members of a delegation already at its cap."""
    caps = dict(MemberCap.objects.filter(meeting=meeting).values_list("category", "max_members"))
    if not caps:
        return candidates
    holding = Registration.objects.filter(meeting=meeting).holding_place().values("pk")
    delegations = Delegation.objects.filter(meeting=meeting, entity__category__in=caps).annotate(
        taken=Count("members", filter=Q(members__registration__in=holding))
    )
    full = [
        delegation.pk
        for delegation in delegations.select_related("entity")
        if delegation.taken >= caps[delegation.entity.category]
    ]
    return candidates.exclude(delegation_member__delegation__in=full)
