"""The organisers' attendance pages: importing a report, matching people by hand, the report, past follow-ups."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from agenda.admin_scope import MeetingScopedAdminMixin
from agenda.admin_time import meeting_time_display
from agenda.selectors import meeting_for_user_chosen, meetings_for_user
from registration.access import can_view_dashboard
from registration.exports.background import participation_table
from registration.exports.gate import export_respond
from registration.models import Attendance, AttendanceImport, ExportJob, FollowUp, Registration
from registration.online.attendance import (
    attendance_ignore,
    attendance_import,
    attendance_import_summary,
    attendance_match,
    attendance_record_unregistered,
)
from registration.online.attendance_formats import MAX_BYTES, AttendanceFileError, attendance_report_read
from registration.online.attendance_jobs import (
    attendance_import_goes_to_background,
    attendance_import_job_create,
    attendance_import_task,
)
from registration.online.participation import participation_report_get


class AttendanceUploadForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None)
    file = forms.FileField(
        label=_("Attendance report"),
        help_text=_("The file as downloaded from Zoom, Microsoft Teams or Webex; the platform is recognised from it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings_for_user(user).order_by("-starts_at")
        # The latest meeting is the one whose report comes in; another is one choice away.
        self.fields["meeting"].initial = self.fields["meeting"].queryset.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than an attendance report can be (5 MB)."))
        return upload


class AttendanceMatchForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ("registration", "unregistered", "ignored")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a registration of the same meeting can be this person's; another meeting's id is "not a choice".
        self.fields["registration"].queryset = Registration.objects.filter(
            meeting_id=self.instance.meeting_id, anonymised_at__isnull=True
        ).order_by("last_name", "first_name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("registration") and cleaned.get("unregistered"):
            self.add_error("unregistered", _("Choose a registration or tick “attended without registering”, not both."))
        if cleaned.get("ignored") and (cleaned.get("registration") or cleaned.get("unregistered")):
            self.add_error("ignored", _("A line matched to someone, or counted as attending, cannot be ignored."))
        return cleaned


class MatchStateFilter(admin.SimpleListFilter):
    title = _("matching")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("to_match", _("To match")),
            ("matched", _("Matched to a registration")),
            ("unregistered", _("Attended without registering")),
            ("ignored", _("Ignored (host, room, test)")),
        ]

    def queryset(self, request, queryset):
        return {
            "to_match": queryset.filter(registration__isnull=True, unregistered=False, ignored=False),
            "ignored": queryset.filter(ignored=True),
            "matched": queryset.filter(registration__isnull=False),
            "unregistered": queryset.filter(unregistered=True),
        }.get(self.value(), queryset)


@admin.register(Attendance)
class AttendanceAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    form = AttendanceMatchForm
    list_display = ("name", "email", "registration", "minutes", "unregistered", "ignored", "meeting")
    list_filter = (MatchStateFilter, "meeting")
    search_fields = ("name", "email", "registration__first_name", "registration__last_name")
    readonly_fields = ("meeting", "name", "email", "minutes", "first_join_shown", "last_leave_shown", "channel")
    first_join_shown = meeting_time_display(Attendance, "first_join")
    last_leave_shown = meeting_time_display(Attendance, "last_leave")
    fields = (*readonly_fields, "registration", "unregistered", "ignored")
    list_select_related = ("registration", "meeting")
    actions = ("record_unregistered", "ignore")
    change_list_template = "admin/registration/attendance/change_list.html"

    def has_add_permission(self, request):
        # People come from the platform's report; the upload page adds them.
        return False

    def save_model(self, request, obj, form, change):
        if obj.registration_id is not None and "registration" in form.changed_data:
            # Stored on the request: the row kept may be another one, when the two are the same person.
            request.attendance_kept = attendance_match(attendance=obj, registration=obj.registration)
        else:
            obj.save()

    def response_change(self, request, obj):
        return super().response_change(request, getattr(request, "attendance_kept", obj))

    @admin.action(description=_("Record as attended without registering"), permissions=["change"])
    def record_unregistered(self, request, queryset):
        count = attendance_record_unregistered(attendances=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d person recorded as attending without registering.",
                "%(count)d people recorded as attending without registering.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Ignore this row (host, room, test)"), permissions=["change"])
    def ignore(self, request, queryset):
        count = attendance_ignore(attendances=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d line ignored: it is no longer to match, nor counted.",
                "%(count)d lines ignored: they are no longer to match, nor counted.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_upload": self.has_change_permission(request) and request.user.has_perm("registration.add_attendance"),
            "can_view_report": can_view_dashboard(request.user),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not request.user.has_perm("registration.add_attendance"):
            raise PermissionDenied
        form = AttendanceUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            meeting, upload = form.cleaned_data["meeting"], form.cleaned_data["file"]
            content = upload.read()
            try:
                # Read here first, so a file that is no report is refused beside the field, even a large one.
                report = attendance_report_read(content=content)
                if attendance_import_goes_to_background(rows=report.read):
                    return self._import_in_background(
                        request, meeting=meeting, content=content, file_name=upload.name, rows=report.read
                    )
                result = attendance_import(meeting=meeting, content=content)
            except AttendanceFileError as error:
                form.add_error("file", str(error))
            else:
                if result.already_imported:
                    self.message_user(request, _("This file was already imported for this meeting; nothing changed."))
                summary = attendance_import_summary(
                    read=result.read, matched=result.matched, unmatched=result.unmatched, ignored=result.ignored
                )
                self.message_user(request, summary, messages.SUCCESS)
                url = reverse("admin:registration_attendance_changelist")
                return HttpResponseRedirect(f"{url}?state=to_match&meeting__id__exact={meeting.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import an attendance report"),
            "opts": self.opts,
            "form": form,
            "imports": AttendanceImport.objects.filter(meeting__in=meetings_for_user(request.user))[:20],
        }
        return TemplateResponse(request, "admin/registration/attendance/upload.html", context)

    def _import_in_background(self, request, *, meeting, content, file_name, rows):
        """A report larger than a request can bear: the worker imports it while a progress page waits."""
        job = attendance_import_job_create(
            user=request.user, meeting=meeting, content=content, file_name=file_name, rows=rows
        )
        # After commit, so the worker never looks for a job it cannot see yet; without a broker it runs here.
        attendance_import_task.delay_on_commit(job.pk)
        return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))

    def report_view(self, request, output="page"):
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        # Another team's meeting in the address is a 404, never its figures.
        meetings, meeting = meeting_for_user_chosen(user=request.user, meeting_id=request.GET.get("meeting"))
        if output == "xlsx" and meeting is not None:
            table, stem = participation_table(meeting=meeting)
            return export_respond(
                request=request,
                kind=ExportJob.Kind.PARTICIPATION,
                format_id="xlsx",
                table=table,
                # A bounded handful of aggregated rows, counted from the report already built.
                total=sum(1 for _row in table.rows()),
                query=urlencode({"meeting": meeting.pk}),
                filename_stem=stem,
            )
        report = participation_report_get(meeting=meeting) if meeting else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Participation report"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "report": report,
        }
        template = "print" if output == "print" else "report"
        return TemplateResponse(request, f"admin/registration/attendance/{template}.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="registration_attendance_upload"),
            path("report/", view(self.report_view), name="registration_participation_report"),
            path("report/print/", view(self.report_view), {"output": "print"}, name="registration_participation_print"),
            path("report/xlsx/", view(self.report_view), {"output": "xlsx"}, name="registration_participation_xlsx"),
            *super().get_urls(),
        ]


@admin.register(FollowUp)
class FollowUpAdmin(MeetingScopedAdminMixin, TranslationAdmin):
    """The follow-ups sent before messages existed, kept readable; a new one is a message (the mailings app)."""

    list_display = ("subject", "meeting", "audience", "queued", "sent_at")
    list_filter = ("meeting", "audience")
    readonly_fields = ("sent_at",)
    exclude = ("created_at",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(queued_count=Count("deliveries"))

    def has_add_permission(self, request):
        # Written as a message to those who attended or did not: previewed, tested, confirmed (F3.25).
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("emails queued"), ordering="queued_count")
    def queued(self, follow_up):
        return follow_up.queued_count
