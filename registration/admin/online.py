"""The organisers' tools for issue 14: joining details per meeting, decisions on taking the floor, the chair's list."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from agenda.admin_scope import MeetingScopedAdminMixin
from agenda.selectors import meeting_for_user_chosen
from registration.exports.background import chair_list_table
from registration.exports.gate import export_respond
from registration.models import ExportJob, FloorDecision, JoiningDetails
from registration.online.floor import FloorNotRequested, floor_accept, floor_decision_update, floor_decline
from registration.online.joining_services import joining_details_save


@admin.register(JoiningDetails)
class JoiningDetailsAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    list_display = ("meeting", "platform", "shown_from_days_before", "version")
    fields = (
        "meeting",
        "platform",
        "participants_url",
        "participants_passcode",
        "speakers_url",
        "speakers_passcode",
        "interpretation_instructions",
        "dial_in",
        "shown_from_days_before",
    )
    # Meeting platforms are served over HTTPS: a link typed without a scheme gets that one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        resent = joining_details_save(details=obj)
        if not obj.participants_url:
            # Saved all the same: the platform is often known weeks before its link.
            self.message_user(
                request,
                _("There is no participants' link yet: participants will see only the platform until you add it."),
                messages.WARNING,
            )
        if resent:
            self.message_user(
                request,
                ngettext(
                    "The changed details go out again to %(count)d participant who had them.",
                    "The changed details go out again to %(count)d participants who had them.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )


def _floor_action(modeladmin, request, queryset, decide, done_message):
    done = skipped = 0
    for registration in queryset.select_related("meeting"):
        try:
            changed = decide(registration=registration)
        except FloorNotRequested:
            changed = False
        if changed:
            modeladmin.log_change(request, registration, [{"changed": {"fields": ["floor_decision"]}}])
            done += 1
        else:
            skipped += 1
    modeladmin.message_user(request, done_message % {"count": done, "skipped": skipped}, messages.SUCCESS)


@admin.action(description=_("Accept the selected requests to take the floor"), permissions=["change"])
def accept_floor(modeladmin, request, queryset):
    _floor_action(
        modeladmin,
        request,
        queryset,
        floor_accept,
        _("%(count)d accepted and emailed; %(skipped)d left unchanged (no request, not active, or already accepted)."),
    )


@admin.action(description=_("Decline the selected requests to take the floor"), permissions=["change"])
def decline_floor(modeladmin, request, queryset):
    _floor_action(
        modeladmin,
        request,
        queryset,
        floor_decline,
        _("%(count)d declined and emailed; %(skipped)d left unchanged (no request, not active, or already declined)."),
    )


@admin.register(FloorDecision)
class FloorDecisionAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    """Accepted and declined requests; the order and "coordinated" are edited in the list."""

    meeting_lookup = "registration__meeting"
    list_display = ("registration", "category", "decision", "position", "coordinated", "decided_at")
    list_editable = ("position", "coordinated")
    list_filter = ("decision", "registration__meeting")
    list_select_related = ("registration",)
    ordering = ("registration__meeting", "decision", "position", "decided_at")
    fields = ("registration", "decision", "position", "coordinated", "decided_at")
    readonly_fields = ("registration", "decision", "decided_at")
    change_list_template = "admin/registration/floordecision/change_list.html"

    @admin.display(description=_("stakeholder category"), ordering="registration__category")
    def category(self, decision):
        return decision.registration.get_category_display()

    def has_add_permission(self, request):
        # A decision is taken on a registration (the registrations list's actions), never typed in.
        return False

    def save_model(self, request, obj, form, change):
        floor_decision_update(decision=obj, position=obj.position, coordinated=obj.coordinated)

    def chair_view(self, request, export=False):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Another team's meeting in the address is a 404, never its speakers.
        meetings, meeting = meeting_for_user_chosen(user=request.user, meeting_id=request.GET.get("meeting"))
        table, stem = chair_list_table(meeting=meeting) if meeting else (None, "")
        if export and table is not None:
            return export_respond(
                request=request,
                kind=ExportJob.Kind.CHAIR_LIST,
                format_id="xlsx",
                table=table,
                total=table.queryset.count(),
                query=urlencode({"meeting": meeting.pk}),
                filename_stem=stem,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Speakers' list"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "header": table.header() if table else [],
            "rows": list(table.rows()) if table else [],
        }
        return TemplateResponse(request, "admin/registration/speakers_list.html", context)

    def chair_xlsx_view(self, request):
        return self.chair_view(request, export=True)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("chair/", view(self.chair_view), name="registration_floordecision_chair"),
            path("chair/xlsx/", view(self.chair_xlsx_view), name="registration_floordecision_chair_xlsx"),
            *super().get_urls(),
        ]
