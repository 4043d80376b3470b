"""The organisers' admin: registrations, their emails, reminders, exports and the dashboard."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_countries.filters import CountryFilter
from modeltranslation.admin import TranslationAdmin

from agenda.models import Meeting

from . import charts, moderation, outbox
from .access import PROTECTED_FILTERS, ProtectedAnswersAdminMixin, can_see_diversity
from .exports import EXPORTERS, SpeakersTable, registration_table
from .models import (
    ACCESSIBILITY_FIELDS,
    DIVERSITY_FIELDS,
    PROTECTED_ANSWER_FIELDS,
    OutgoingEmail,
    Registration,
    Reminder,
)
from .secret_links import secret_links_redact
from .selectors import dashboard_get, registration_list_with_email_status, registration_speakers_list

# Below this many rows a real COUNT(*) is quick; above it PostgreSQL's estimate is used.
ESTIMATED_COUNT_FROM = 10_000

admin.site.index_template = "admin/registration/site_index.html"
admin.site.site_header = _("IMRF meeting administration")
admin.site.site_title = _("IMRF meeting administration")
# The registrations list needs the width: its nine columns then fit a laptop screen.
admin.site.enable_nav_sidebar = False


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


class SecretLinksHidden:
    """An email's texts as the admin shows them: with the token of every manage link hidden.

    An organiser reading a participant's email must not be able to act as that participant;
    organisers resend the link to the participant instead (the registrations' actions).
    """

    @admin.display(description=_("subject"))
    def subject_shown(self, email):
        # A reminder's subject may hold {manage_link}.
        return secret_links_redact(text=email.subject)

    @admin.display(description=_("plain text"))
    def body_text_shown(self, email):
        return secret_links_redact(text=email.body_text)

    @admin.display(description=_("last error"))
    def last_error_shown(self, email):
        # A mail server's refusal may quote the message.
        return secret_links_redact(text=email.last_error)


class OutgoingEmailInline(SecretLinksHidden, admin.TabularInline):
    model = OutgoingEmail
    fields = ("created_at", "kind", "subject_shown", "status", "attempts", "sent_at", "last_error_shown")
    readonly_fields = fields
    ordering = ("-created_at",)
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("emails sent to this participant")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationAdminForm(forms.ModelForm):
    class Meta:
        model = Registration
        # The admin replaces this with the fields of its fieldsets.
        fields = ("email",)

    def clean_email(self):
        # The database's one-email-per-meeting constraint involves the meeting, which this
        # form does not edit, so Django would skip checking it and the save would fail.
        email = self.cleaned_data["email"].strip()
        taken = (
            Registration.objects.filter(meeting_id=self.instance.meeting_id, email__iexact=email)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(_("Another registration for this meeting already has this email."))
        return email


FORM_SECTIONS = (
    (_("About you"), ("honorific", "first_name", "last_name", "email", "job_title", "organisation")),
    (
        _("Whom you represent"),
        ("category", "category_other", "country", "imrf_attendance_level", "accreditation_route"),
    ),
    (_("Interpretation"), ("listening_language", "other_language", "other_language_reason")),
    (_("Gender and diversity"), DIVERSITY_FIELDS),
    (_("Accessibility"), ACCESSIBILITY_FIELDS),
    (
        _("Taking the floor"),
        ("wishes_to_speak", "intervention_topic", "intervention_coordination", "intervention_group", "questions"),
    ),
    (_("Consent"), ("privacy_consent_at", "listed_publicly")),
    (
        _("Record"),
        (
            "meeting",
            "status",
            "language",
            "created_at",
            "updated_at",
            "cancelled_at",
            "anonymised_at",
            "change_history",
        ),
    ),
)
AUDIT_FIELDS = (
    "meeting",
    "status",
    "privacy_consent_at",
    "created_at",
    "updated_at",
    "cancelled_at",
    "anonymised_at",
    "change_history",
)


@admin.register(Registration)
class RegistrationAdmin(ProtectedAnswersAdminMixin, admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = (
        "name",
        "organisation",
        "country_name",
        "category_name",
        "language_name",
        "gender",
        "status",
        "registered_at",
        "email_status",
    )
    list_display_links = ("name",)
    list_filter = (
        "status",
        "category",
        ("country", CountryFilter),
        "listening_language",
        "imrf_attendance_level",
        "accreditation_route",
        "wishes_to_speak",
        "intervention_coordination",
        "listed_publicly",
        ConfirmationEmailFilter,
        "created_at",
        "meeting",
    )
    search_fields = ("first_name", "last_name", "email", "organisation")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_select_related = ("listening_language",)
    list_per_page = 100
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    readonly_fields = AUDIT_FIELDS
    inlines = (OutgoingEmailInline,)
    actions = ("resend_confirmation", "export_csv", "export_xlsx", "approve", "decline")

    # Listing

    @admin.display(description=pgettext_lazy("of a person", "name"), ordering="last_name")
    def name(self, registration):
        return registration.full_name or _("(anonymised #%(pk)d)") % {"pk": registration.pk}

    # Short headings, so the nine columns fit on one screen.

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, registration):
        return registration.country.name

    @admin.display(description=_("category"), ordering="category")
    def category_name(self, registration):
        return registration.get_category_display()

    @admin.display(description=_("language"), ordering="listening_language__position")
    def language_name(self, registration):
        return registration.listening_language.name

    @admin.display(description=_("registered"), ordering="created_at")
    def registered_at(self, registration):
        return timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("confirmation"))
    def email_status(self, registration):
        status = getattr(registration, "confirmation_status", None)
        if status is None:
            return "—"
        return OutgoingEmail.Status(status).label

    def get_changelist(self, request, **kwargs):
        return RegistrationChangeList

    def get_list_display(self, request):
        # Dropping the column, not just its sorting: `?o=5` sorts by whatever the fifth column is.
        if can_see_diversity(request.user):
            return self.list_display
        return tuple(name for name in self.list_display if name not in PROTECTED_ANSWER_FIELDS)

    def get_list_filter(self, request):
        if can_see_diversity(request.user):
            return (*self.list_filter, *PROTECTED_FILTERS)
        return self.list_filter

    def has_add_permission(self, request):
        # Registrations come through the public form, which checks and confirms them.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("registration.export_registrations")

    # Detail page

    def get_fieldsets(self, request, obj=None):
        # Fields left out of the fieldsets are left out of the form too, so a forged POST cannot change them.
        hidden = set() if can_see_diversity(request.user) else set(PROTECTED_ANSWER_FIELDS)
        sections = [(title, [name for name in names if name not in hidden]) for title, names in FORM_SECTIONS]
        return [(title, {"fields": names}) for title, names in sections if names]

    @admin.display(description=_("change history"))
    def change_history(self, registration):
        entries = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Registration), object_id=str(registration.pk)
            )
            .select_related("user")
            .order_by("-action_time")[:20]
        )
        lines = format_html_join(
            "",
            "<li>{} — {}: {}</li>",
            (
                (
                    timezone.localtime(entry.action_time).strftime("%Y-%m-%d %H:%M"),
                    entry.user.get_username(),
                    entry.get_change_message() or entry.get_action_flag_display(),
                )
                for entry in entries
            ),
        )
        return format_html("<ul>{}</ul>", lines) if lines else _("No change through the admin yet.")

    # Actions

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not Meeting.objects.filter(requires_approval=True).exists():
            actions.pop("approve", None)
            actions.pop("decline", None)
        return actions

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = 0
        for registration in queryset.filter(
            status__in=[Registration.Status.ACTIVE, Registration.Status.PENDING], anonymised_at__isnull=True
        ).select_related("meeting"):
            outbox.email_resend_confirmation(registration=registration)
            self.log_change(request, registration, "Confirmation email sent again.")
            sent += 1
        self.message_user(
            request,
            ngettext(
                "Confirmation queued for %(count)d registration.",
                "Confirmation queued for %(count)d registrations.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    def _decide(self, request, queryset, decide, done_message):
        decided = 0
        for registration in queryset.filter(status=Registration.Status.PENDING).select_related("meeting"):
            if decide(registration=registration):
                self.log_change(request, registration, [{"changed": {"fields": ["status"]}}])
                decided += 1
        skipped = queryset.count() - decided
        self.message_user(request, done_message % {"count": decided, "skipped": skipped}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected pending registrations"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            moderation.registration_approve,
            _("%(count)d approved and emailed; %(skipped)d were not pending and were left as they were."),
        )

    @admin.action(description=_("Decline the selected pending registrations"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(
            request,
            queryset,
            moderation.registration_decline,
            _("%(count)d declined and emailed; %(skipped)d were not pending and were left as they were."),
        )

    @admin.action(description=_("Export the selected registrations (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export the selected registrations (Excel)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    # Exports and the dashboard

    def _export(self, request, queryset, format_id, *, speakers=False):
        # Rows are read through a subquery of the filtered ids, without the list's
        # per-row annotations, in the order people registered.
        registrations = Registration.objects.filter(pk__in=queryset.values("pk"))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if speakers:
            table = SpeakersTable(queryset=registration_speakers_list(registrations=registrations))
            stem = f"speakers-list-{stamp}"
        else:
            table = registration_table(
                queryset=registrations.order_by("created_at", "pk"),
                include_protected_answers=can_see_diversity(request.user),
            )
            stem = f"registrations-{stamp}"
        return EXPORTERS[format_id](table=table, filename_stem=stem).response()

    def _filtered_export_view(self, request, format_id, *, speakers):
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        if format_id not in EXPORTERS:
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:registration_registration_changelist"))
        return self._export(request, changelist.queryset, format_id, speakers=speakers)

    def export_view(self, request, format_id):
        return self._filtered_export_view(request, format_id, speakers=False)

    def speakers_view(self, request, format_id):
        return self._filtered_export_view(request, format_id, speakers=True)

    def dashboard_view(self, request):
        if not request.user.has_perm("registration.view_dashboard"):
            raise PermissionDenied
        meetings = list(Meeting.objects.order_by("-starts_at"))
        chosen = request.GET.get("meeting")
        meeting = next((m for m in meetings if str(m.pk) == chosen), meetings[0] if meetings else None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Registrations dashboard"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "can_view_registrations": self.has_view_permission(request),
        }
        if meeting is not None:
            dashboard = dashboard_get(meeting=meeting)
            context.update(
                dashboard=dashboard,
                status_chart=charts.bar_chart(rows=dashboard.status_rows),
                listeners_chart=charts.bar_chart(rows=dashboard.listeners),
                gender_chart=charts.stacked_bar_chart(table=dashboard.gender_by_category),
                per_day_chart=charts.line_chart(rows=dashboard.per_day),
            )
        return TemplateResponse(request, "admin/registration/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "can_view_dashboard": request.user.has_perm("registration.view_dashboard"),
            "export_formats": [(exporter.identifier, exporter.label) for exporter in EXPORTERS.values()],
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="registration_dashboard"),
            path("export/<str:format_id>/", view(self.export_view), name="registration_registration_export"),
            path("speakers/<str:format_id>/", view(self.speakers_view), name="registration_registration_speakers"),
            *super().get_urls(),
        ]


class RegistrationChangeList(ChangeList):
    """The list of registrations, each with the status of its confirmation email, in the same query."""

    def get_queryset(self, request, exclude_parameters=None):
        return registration_list_with_email_status(
            registrations=super().get_queryset(request, exclude_parameters=exclude_parameters)
        )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ProtectedAnswersAdminMixin, SecretLinksHidden, admin.ModelAdmin):
    list_display = ("created_at", "kind", "to_email", "subject_shown", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "created_at")
    # Not the subject or the texts: a search for part of a token would tell which email holds it,
    # and so the token itself, a character at a time.
    search_fields = ("to_email",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = (
        "registration",
        "reminder",
        "kind",
        "to_email",
        "subject_shown",
        "status",
        "attempts",
        "last_error_shown",
        "message_id",
        "created_at",
        "sending_started_at",
        "sent_at",
        "attach_calendar",
        "body_text_shown",
    )
    readonly_fields = fields
    actions = ("retry_failed",)
    TEXT_FIELDS = frozenset({"subject", "body_text", "body_html", "last_error"})

    def lookup_allowed(self, lookup, value, request):
        # The same guess-a-character oracle through the URL (?body_text__contains=/manage/a).
        if lookup.split(LOOKUP_SEP)[0] in self.TEXT_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        # Confirmations and changes list the participant's accessibility needs.
        if can_see_diversity(request.user):
            return self.fields
        return tuple(name for name in self.fields if name != "body_text_shown")

    @admin.action(description=_("Retry the selected failed emails"), permissions=["change"])
    def retry_failed(self, request, queryset):
        queued = outbox.email_retry_failed(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d failed email queued again.", "%(count)d failed emails queued again.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(TranslationAdmin):
    """A reminder's subject and body are written once per language (registration/translation.py)."""

    list_display = ("subject", "meeting", "kind", "days_before", "local_time", "minutes_before", "sends_at")
    list_filter = ("meeting", "kind")
    list_select_related = ("meeting",)
    search_fields = ("subject",)

    @admin.display(description=_("sends at (meeting time)"))
    def sends_at(self, reminder):
        return timezone.localtime(reminder.send_at, reminder.meeting.tzinfo).strftime("%Y-%m-%d %H:%M %Z")
