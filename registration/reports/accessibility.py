"""Who needs which accessibility service, for those who book captioning and sign interpretation (issue 20, §5)."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agenda.models import Meeting
from registration.exports.tables import Column, Table, _field_column
from registration.models import Registration

NEED_FIELDS = ("needs_captions", "needs_sign_language", "needs_screen_reader", "accessibility_other")
PERSON_FIELDS = ("email", "organisation", "country", "listening_language")
# Those the services are booked for: active registrations, and pending ones that may yet be approved.
EXPECTED = (Registration.Status.ACTIVE, Registration.Status.PENDING)


def accessibility_needs_list(*, meeting: Meeting) -> QuerySet:
    """The registrations of `meeting` expected to attend that asked for at least one service, by name."""
    return (
        Registration.objects.filter(meeting=meeting, status__in=EXPECTED, anonymised_at__isnull=True)
        .filter(
            Q(needs_captions=True)
            | Q(needs_sign_language=True)
            | Q(needs_screen_reader=True)
            | ~Q(accessibility_other="")
        )
        .select_related("listening_language")
        .order_by("last_name", "first_name", "pk")
    )


class AccessibilityTable(Table):
    """One line per person: who they are, how to reach them, and each service they need."""

    sheet_title = gettext_lazy("Accessibility needs")

    def __init__(self, *, queryset: QuerySet):
        columns = [
            Column(str(gettext_lazy("name")), lambda registration: registration.full_name),
            *(_field_column(name) for name in (*PERSON_FIELDS, "status", *NEED_FIELDS)),
        ]
        super().__init__(queryset=queryset, columns=columns)


def accessibility_table(*, meeting: Meeting) -> tuple[AccessibilityTable, str]:
    """The named list of `meeting` as an export table, and its file name without extension."""
    stem = f"accessibility-{meeting.slug}-{timezone.localtime():%Y%m%d-%H%M}"
    return AccessibilityTable(queryset=accessibility_needs_list(meeting=meeting)), stem
