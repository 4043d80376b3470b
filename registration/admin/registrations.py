"""The organisers' admin: which models it shows and how; its lists, outbox and pages live in admin_*.py."""

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from agenda.admin_scope import MeetingFilter, MeetingScopedAdminMixin
from agenda.admin_time import meeting_time, meeting_time_display
from agenda.selectors import meeting_any_moderated, meetings_for_user
from registration import moderation, on_behalf, services
from registration.access import PROTECTED_FILTERS, ProtectedAnswersAdminMixin, can_see_diversity
from registration.admin.accessibility import AccessibilityPagesMixin
from registration.admin.emails import OutgoingEmailAdmin, OutgoingEmailInline
from registration.admin.filters import (
    ConfirmationEmailFilter,
    CountryFilter,
    EstimatedCountPaginator,
    RegistrationChangeList,
)
from registration.admin.on_behalf import OnBehalfAdminMixin
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
    "created_at_shown",
    "updated_at_shown",
    "cancelled_at_shown",
    "anonymised_at_shown",
    "acts",
    "change_history",
)
# Shown read-only: what only the services change (the language of the emails stays the organisers' to set).
AUDIT_FIELDS = (
    *(name for name in RECORD_FIELDS if name != "language"),
    "privacy_consent_at_shown",
    "diversity_consent_at",
)


def _admin_fields(section):
    # Organisers also see when the privacy notice was accepted, beside the participant's other consents;
    # the time of the diversity consent only with the permission (get_fieldsets).
    if section.key == "consent":
        return ("privacy_consent_at_shown", "diversity_consent_at", *section.fields)
    return section.fields


@admin.register(Registration)
class RegistrationAdmin(
    MeetingScopedAdminMixin,
    ProtectedAnswersAdminMixin,
    AccessibilityPagesMixin,
    OnBehalfAdminMixin,
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
        "status_shown",
        "registered_at",
        "email_status",
        "floor",
        "meeting_name",
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
    list_select_related = ("listening_language", "meeting", "floor_decision")
    list_per_page = 100
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    readonly_fields = AUDIT_FIELDS
    inlines = (OutgoingEmailInline,)
    actions = ("resend_confirmation", "export_csv", "export_xlsx", "approve", "decline", accept_floor, decline_floor)

    # Times on the meeting's clock, in the admin's one format.
    created_at_shown = meeting_time_display(Registration, "created_at")
    updated_at_shown = meeting_time_display(Registration, "updated_at")
    cancelled_at_shown = meeting_time_display(Registration, "cancelled_at")
    anonymised_at_shown = meeting_time_display(Registration, "anonymised_at")
    privacy_consent_at_shown = meeting_time_display(Registration, "privacy_consent_at")

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

    @admin.display(description=_("registered (meeting time)"), ordering="created_at")
    def registered_at(self, registration):
        return meeting_time(registration.created_at, registration.meeting)

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, registration):
        # An erased registration keeps its status for the counts, but is no longer anyone to contact.
        if registration.anonymised_at:
            return _("Erased")
        return registration.get_status_display()

    @admin.display(description=_("taking the floor"), ordering="floor_decision__decision")
    def floor(self, registration):
        # The decision beside the request, so ordering speakers needs no page per person.
        if not registration.wishes_to_speak:
            return "—"
        decision = getattr(registration, "floor_decision", None)
        if decision is None:
            return _("asked")
        if decision.position:
            return f"{decision.get_decision_display()} ({decision.position})"
        return decision.get_decision_display()

    @admin.display(description=_("meeting"), ordering="meeting__starts_at")
    def meeting_name(self, registration):
        return registration.meeting.short_name or registration.meeting.title

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
        shown = self.list_display
        if not can_see_diversity(request.user):
            shown = tuple(name for name in shown if name not in PROTECTED_FIELDS)
        # The meeting's column only where rows of several meetings can mix.
        if len(meetings_for_user(request.user).values_list("pk", flat=True)[:2]) < 2:
            shown = tuple(name for name in shown if name != "meeting_name")
        return shown

    def get_list_filter(self, request):
        if can_see_diversity(request.user):
            return (*self.list_filter, *PROTECTED_FILTERS)
        return self.list_filter

    # Detail page

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets()
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
        if not change:
            self.save_on_behalf(request, obj, form)
            return
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
                    meeting_time(entry.action_time, registration.meeting),
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
            if on_behalf.registration_link_resend(registration=registration, actor=request.user) is None:
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

    @admin.action(description=_("Approve the selected pending registrations"), permissions=["change"])
    def approve(self, request, queryset):
        self.decide_selected(
            request,
            queryset,
            lambda registration: moderation.registration_approve(registration=registration, actor=request.user),
            "approved",
        )

    @admin.action(description=_("Decline the selected pending registrations"), permissions=["change"])
    def decline(self, request, queryset):
        return self.decline_with_reason(request, queryset)

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

    list_display = ("subject", "meeting", "kind", "when", "sends_at")
    list_filter = ("meeting", "kind")
    list_select_related = ("meeting",)
    search_fields = ("subject",)

    @admin.display(description=_("when"))
    def when(self, reminder):
        # Only the settings of its kind: a "starting soon" reminder has no day or hour of its own.
        if reminder.kind == Reminder.Kind.STARTING_SOON:
            return ngettext(
                "%(count)d minute before the start", "%(count)d minutes before the start", reminder.minutes_before
            ) % {"count": reminder.minutes_before}
        return ngettext(
            "%(count)d day before, at %(time)s", "%(count)d days before, at %(time)s", reminder.days_before
        ) % {"count": reminder.days_before, "time": reminder.local_time.strftime("%H:%M")}

    @admin.display(description=_("sends at (meeting time)"))
    def sends_at(self, reminder):
        return meeting_time(reminder.send_at, reminder.meeting)
