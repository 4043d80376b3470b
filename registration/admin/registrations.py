"""The organisers' admin: which models it shows and how; its lists, outbox and pages live in admin_*.py."""

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from agenda.admin_scope import MeetingFilter, MeetingScopedAdminMixin
from agenda.selectors import meeting_any_moderated
from registration import moderation, services
from registration.access import PROTECTED_FILTERS, ProtectedAnswersAdminMixin, can_see_diversity
from registration.admin.accessibility import AccessibilityPagesMixin
from registration.admin.emails import OutgoingEmailAdmin, OutgoingEmailInline
from registration.admin.filters import (
    ConfirmationEmailFilter,
    CountryFilter,
    EstimatedCountPaginator,
    RegistrationChangeList,
)
from registration.admin.online import accept_floor, decline_floor
from registration.admin.views import RegistrationPagesMixin
from registration.countries import country_answer
from registration.forms import RegistrationAdminForm
from registration.models import PROTECTED_FIELDS, OutgoingEmail, Registration, Reminder
from registration.sections import REGISTRATION_SECTIONS

admin.site.index_template = "admin/registration/site_index.html"
admin.site.site_header = _("IMRF meeting administration")
admin.site.site_title = _("IMRF meeting administration")
# The registrations list needs the width: its nine columns then fit a laptop screen.
admin.site.enable_nav_sidebar = False

RECORD_FIELDS = (
    "meeting",
    "status",
    "language",
    "created_at",
    "updated_at",
    "cancelled_at",
    "anonymised_at",
    "change_history",
)
# Shown read-only: what only the services change (the language of the emails stays the organisers' to set).
AUDIT_FIELDS = (
    *(name for name in RECORD_FIELDS if name != "language"),
    "privacy_consent_at",
    "diversity_consent_at",
)


def _admin_fields(section):
    # Organisers also see when the privacy notice was accepted, beside the participant's other consents;
    # the time of the diversity consent only with the permission (get_fieldsets).
    if section.key == "consent":
        return ("privacy_consent_at", "diversity_consent_at", *section.fields)
    return section.fields


@admin.register(Registration)
class RegistrationAdmin(
    MeetingScopedAdminMixin,
    ProtectedAnswersAdminMixin,
    AccessibilityPagesMixin,
    RegistrationPagesMixin,
    admin.ModelAdmin,
):
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
        CountryFilter,
        "listening_language",
        "imrf_attendance_level",
        "accreditation_route",
        "wishes_to_speak",
        "intervention_coordination",
        "listed_publicly",
        ConfirmationEmailFilter,
        "created_at",
        # Only the meetings of the rows the user may see, not every meeting's title.
        ("meeting", MeetingFilter),
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
    actions = ("resend_confirmation", "export_csv", "export_xlsx", "approve", "decline", accept_floor, decline_floor)

    # Listing

    @admin.display(description=pgettext_lazy("of a person", "name"), ordering="last_name")
    def name(self, registration):
        return registration.full_name or _("(anonymised #%(pk)d)") % {"pk": registration.pk}

    # Short headings, so the nine columns fit on one screen.

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, registration):
        return country_answer(registration.country, registration.country_other)

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
        return tuple(name for name in self.list_display if name not in PROTECTED_FIELDS)

    def get_list_filter(self, request):
        if can_see_diversity(request.user):
            return (*self.list_filter, *PROTECTED_FILTERS)
        return self.list_filter

    def has_add_permission(self, request):
        # Registrations come through the public form, which checks and confirms them.
        return False

    # Detail page

    def get_fieldsets(self, request, obj=None):
        # Fields left out of the fieldsets are left out of the form too, so a forged POST cannot change them.
        hidden = set() if can_see_diversity(request.user) else set(PROTECTED_FIELDS)
        sections = [
            (section.title, [name for name in _admin_fields(section) if name not in hidden])
            for section in REGISTRATION_SECTIONS
        ]
        return [
            *((title, {"fields": names}) for title, names in sections if names),
            (_("Record"), {"fields": RECORD_FIELDS}),
            (None, {"fields": ["notify_participant"]}),
        ]

    def save_model(self, request, obj, form, change):
        # Through the service, which applies the rules again and writes the change email if asked for.
        services.registration_organiser_update(
            registration=obj,
            data=form.registration_data(),
            notify_participant=form.cleaned_data.get("notify_participant", False),
        )
        obj.refresh_from_db()
        typed = form.cleaned_data.get("email")
        if typed and typed.casefold() != obj.email.casefold():
            self.message_user(
                request,
                _(
                    "A link to confirm the new address has been sent to it. The registration keeps its current "
                    "address until the participant uses that link; the current address has been told."
                ),
                messages.INFO,
            )

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
        if not meeting_any_moderated():
            actions.pop("approve", None)
            actions.pop("decline", None)
        return actions

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = 0
        for registration in queryset.filter(
            status__in=[Registration.Status.ACTIVE, Registration.Status.PENDING], anonymised_at__isnull=True
        ).select_related("meeting"):
            # To the registration's own address, which only its participant can change.
            if services.registration_link_resend(registration=registration) is None:
                continue
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


admin.site.register(OutgoingEmail, OutgoingEmailAdmin)


@admin.register(Reminder)
class ReminderAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    """A reminder's subject and body are written once per language (registration/translation.py)."""

    list_display = ("subject", "meeting", "kind", "days_before", "local_time", "minutes_before", "sends_at")
    list_filter = ("meeting", "kind")
    list_select_related = ("meeting",)
    search_fields = ("subject",)

    @admin.display(description=_("sends at (meeting time)"))
    def sends_at(self, reminder):
        return timezone.localtime(reminder.send_at, reminder.meeting.tzinfo).strftime("%Y-%m-%d %H:%M %Z")
