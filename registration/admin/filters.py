"""The registrations list's machinery: its paginator, its email-status and country filters and its one-query rows."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from registration.collation import collation_key, site_language
from registration.countries import country_name
from registration.models import OutgoingEmail
from registration.selectors import registration_list_with_email_status

# Below this many rows a real COUNT(*) is quick; above it PostgreSQL's estimate is used.
ESTIMATED_COUNT_FROM = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except for an unfiltered list of a big PostgreSQL table.

    COUNT(*) reads the whole table on PostgreSQL, which is what makes a changelist of
    100,000 rows slow; the planner's row estimate (pg_class.reltuples, kept by ANALYZE)
    is free. A filtered list is counted exactly, because filters are what organisers read.
    """

    @cached_property
    def count(self):
        estimate = self._estimate()
        if estimate is not None and estimate >= ESTIMATED_COUNT_FROM:
            return estimate
        return super().count

    def _estimate(self) -> int | None:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.query.where:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
            )
            row = cursor.fetchone()
        return row[0] if row else None


class ConfirmationEmailFilter(admin.SimpleListFilter):
    title = _("confirmation email")
    parameter_name = "confirmation"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [*OutgoingEmail.Status.choices, (self.NONE, _("None written"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        confirmations = OutgoingEmail.objects.filter(registration=OuterRef("pk"), kind=OutgoingEmail.Kind.CONFIRMATION)
        if value == self.NONE:
            return queryset.filter(~Exists(confirmations))
        if value not in OutgoingEmail.Status.values:
            raise IncorrectLookupParameters(value)
        # The latest confirmation decides: one that failed, then was resent and sent, counts as sent.
        # Starting from the emails with that status (few, for "failed") is what keeps this fast.
        later = OutgoingEmail.objects.filter(
            registration=OuterRef("registration"),
            kind=OutgoingEmail.Kind.CONFIRMATION,
            created_at__gt=OuterRef("created_at"),
        )
        latest_with_status = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CONFIRMATION, status=value).filter(
            ~Exists(later)
        )
        return queryset.filter(pk__in=latest_with_status.values("registration"))


class RegistrationChangeList(ChangeList):
    """The list of registrations, each with the status of its confirmation email, in the same query."""

    def get_queryset(self, request, exclude_parameters=None):
        return registration_list_with_email_status(
            registrations=super().get_queryset(request, exclude_parameters=exclude_parameters)
        )


class CountryFilter(admin.SimpleListFilter):
    """The countries of the registrations the organiser may see, by their UN names in the organiser's language.

    Only those with registrations, not all 196 choices, in the order the organiser's language sorts them.
    """

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("country", flat=True).distinct()
        key = collation_key(site_language())
        return sorted(((code, country_name(code)) for code in codes), key=lambda choice: key(choice[1]))

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset
