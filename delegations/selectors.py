"""Reads for delegations: what a focal point may see, the secretariat's lists and the dashboard's counts."""

from collections import Counter, defaultdict

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from delegations.models import Delegation, FocalPoint, Member
from registration.countries import country_name, unece_codes
from registration.models import Registration
from registration.reports.dashboard import COUNTED_STATUS, NO_ANSWER, gender_table_protect
from registration.reports.disclosure import SafeCrossTable


def delegations_for_focal_points(*, focal_points: list[FocalPoint]) -> QuerySet[Delegation]:
    """Only the delegations of the States and organisations these focal points serve."""
    return Delegation.objects.filter(entity__in=[focal_point.entity_id for focal_point in focal_points]).select_related(
        "meeting", "entity"
    )


def delegation_get_for_focal_points(*, focal_points: list[FocalPoint], delegation_id: int) -> Delegation:
    """The delegation if these focal points serve it; 404 otherwise, the same as for an id that does not exist."""
    delegation = delegations_for_focal_points(focal_points=focal_points).filter(pk=delegation_id).first()
    if delegation is None:
        raise Http404("No such delegation.")
    return delegation


def member_get(*, delegation: Delegation, member_id: int) -> Member:
    """A member of this delegation only: another delegation's member id answers 404."""
    member = delegation.members.filter(pk=member_id).select_related("registration").first()
    if member is None:
        raise Http404("No such member.")
    return member


def meetings_open_for_nominations() -> QuerySet[Meeting]:
    """Published meetings not yet over, the ones a focal point may nominate for (a deadline extended counts)."""
    return Meeting.objects.filter(is_published=True, ends_at__gt=timezone.now()).order_by("starts_at")


def delegation_members(*, delegation: Delegation) -> list[Member]:
    """Members not withdrawn: head first, then by role and order of nomination."""
    order = {role: index for index, role in enumerate(Member.Role.values)}
    members = delegation.members.filter(withdrawn_at=None).select_related("registration__listening_language")
    return sorted(members, key=lambda member: (order[member.role], member.nominated_at, member.pk))


def delegations_for_meeting(*, meeting: Meeting) -> QuerySet[Delegation]:
    members = Member.objects.filter(withdrawn_at=None).select_related("registration").order_by("nominated_at", "pk")
    return (
        Delegation.objects.filter(meeting=meeting)
        .select_related("entity")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("entity__country", "entity__name")
    )


def host_rename_list(*, meeting: Meeting, language: str) -> list[str]:
    """What the video platform's host renames each confirmed delegate to: “Country – Name”, sorted."""
    members = Member.objects.filter(
        delegation__meeting=meeting, withdrawn_at=None, registration__status=Registration.Status.ACTIVE
    ).select_related("delegation__entity", "registration")
    lines = [
        f"{member.delegation.entity.display_name(language)} – {member.registration.full_name}" for member in members
    ]
    return sorted(lines)


def states_covered(*, meeting: Meeting, language: str) -> tuple[list[str], int]:
    """The UNECE member States with a confirmed delegation, by name, and how many UNECE States there are."""
    unece = unece_codes()
    codes = set(
        Delegation.objects.filter(
            meeting=meeting,
            entity__kind="member_state",
            members__confirmed_at__isnull=False,
            members__withdrawn_at=None,
        ).values_list("entity__country", flat=True)
    )
    return sorted(country_name(code, language) for code in codes & unece), len(unece)


def delegates_by_gender(*, meeting: Meeting) -> SafeCrossTable:
    """Heads of delegation and other delegates by gender: confirmed members still registered, as the registrations'
    dashboard counts people (active registrations), with small groups hidden by the one disclosure rule."""
    rows = [("heads", _("Heads of delegation")), ("delegates", _("Other delegates"))]
    cells: dict[str, Counter] = defaultdict(Counter)
    members = Member.objects.filter(
        delegation__meeting=meeting,
        withdrawn_at=None,
        confirmed_at__isnull=False,
        registration__status=COUNTED_STATUS,
    ).values_list("role", "registration__gender")
    for role, gender in members:
        cells["heads" if role == Member.Role.HEAD else "delegates"][gender or NO_ANSWER] += 1
    return gender_table_protect(rows=rows, cells=cells)
