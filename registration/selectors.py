"""Reads of registrations: by a manage link's token, the speakers' list, and the email status of each."""

import secrets

from django.db.models import Case, CharField, Min, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Cast, Concat, Lower, Trim

from registration.models import OutgoingEmail, Registration
from registration.tokens import token_digest


def registration_list_with_email_status(*, registrations: QuerySet) -> QuerySet:
    """Each registration annotated with `confirmation_status`, the status of its latest confirmation email."""
    latest_confirmation = OutgoingEmail.objects.filter(
        registration=OuterRef("pk"), kind=OutgoingEmail.Kind.CONFIRMATION
    ).order_by("-created_at", "-pk")
    return registrations.annotate(confirmation_status=Subquery(latest_confirmation.values("status")[:1]))


def registration_speakers_list(*, registrations: QuerySet) -> QuerySet:
    """Requests to take the floor in order of request, each coordinated group together at its first request.

    A group is the text of “on behalf of” compared trimmed and case-insensitively; an intervention
    on one's own behalf is a group of one. Cancelled, declined and erased registrations are left out
    (an erased participant's request has no name or topic left to call).
    """
    coordinated = Q(intervention_coordination=Registration.Coordination.GROUP) & ~Q(intervention_group="")
    speaking_group = Concat(
        Value("group:"),
        Lower(Trim("intervention_group")),
        output_field=CharField(),
    )
    own = Concat(Value("own:"), Cast("pk", CharField()), output_field=CharField())
    group = Case(When(coordinated, then=speaking_group), default=own, output_field=CharField())
    return (
        registrations.filter(wishes_to_speak=True)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.DECLINED])
        .filter(anonymised_at__isnull=True)
        .annotate(speaking_group=group)
        .annotate(group_requested_at=Window(Min("created_at"), partition_by=[group]))
        .order_by("group_requested_at", "speaking_group", "created_at", "pk")
    )


def registration_get_by_token(*, token: str) -> Registration | None:
    """The registration whose manage link holds `token`, unless anonymised; None for any other token."""
    registration = (
        Registration.objects.select_related("meeting", "listening_language").filter(manage_token=token).first()
    )
    # compare_digest: an exact, constant-time match even where a database collation
    # would let a lookup match the token in another letter case.
    if (
        registration is None
        or registration.anonymised_at
        or not secrets.compare_digest(registration.manage_token, token)
    ):
        return None
    return registration


def registration_erased_by_token(*, token: str) -> bool:
    """Whether `token` is the manage token an erased registration had when it was erased."""
    return Registration.objects.filter(erased_link_digest=token_digest(token)).exists()
