"""The registrations admin's own pages: the filtered exports and their progress, the speakers' list, the dashboard."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.selectors import meeting_for_user_chosen
from registration.access import can_arrange_accessibility, can_view_dashboard
from registration.exports.background import (
    EXPORT_KINDS,
    export_job_allowed,
    export_job_expire,
    export_job_path,
    export_job_refuse,
    export_table,
)
from registration.exports.gate import export_respond
from registration.exports.tables import EXPORTERS, TABLE_EXPORTERS
from registration.models import ExportJob
from registration.reports import charts
from registration.reports.dashboard import dashboard_get


class RegistrationPagesMixin:
    """Export, speakers' list and dashboard views for `RegistrationAdmin`, with their URLs."""

    def has_export_permission(self, request):
        return request.user.has_perm("registration.export_registrations")

    def _export(self, request, queryset, format_id):
        # With "select all N" ticked the action gets the whole filtered list, which the list's own
        # address (kept in request.GET by the action's POST) rebuilds in the background.
        if self.action_form.base_fields["select_across"].clean(request.POST.get("select_across")):
            return self._filtered_export(request, format_id, kind=ExportJob.Kind.REGISTRATIONS)
        # Ticked rows stay immediate: they are at most one page of the list (list_per_page), and Django
        # refuses a POST of more than DATA_UPLOAD_MAX_NUMBER_FIELDS ids.
        table, stem = export_table(user=request.user, queryset=queryset, kind=ExportJob.Kind.REGISTRATIONS)
        return TABLE_EXPORTERS[format_id](table=table, filename_stem=stem).response()

    def _filtered_export(self, request, format_id, *, kind):
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:registration_registration_changelist"))
        table, stem = export_table(user=request.user, queryset=changelist.queryset, kind=kind)
        # The changelist has counted its rows already; the speakers' list is a subset to count.
        total = changelist.result_count if kind == ExportJob.Kind.REGISTRATIONS else table.queryset.count()
        return export_respond(
            request=request,
            kind=kind,
            format_id=format_id,
            table=table,
            total=total,
            query=request.GET.urlencode(),
            filename_stem=stem,
        )

    def _filtered_export_view(self, request, format_id, *, kind):
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        if format_id not in TABLE_EXPORTERS:
            raise Http404
        return self._filtered_export(request, format_id, kind=kind)

    def export_view(self, request, format_id):
        return self._filtered_export_view(request, format_id, kind=ExportJob.Kind.REGISTRATIONS)

    def speakers_view(self, request, format_id):
        return self._filtered_export_view(request, format_id, kind=ExportJob.Kind.SPEAKERS)

    def _own_job(self, request, job_id) -> ExportJob:
        job = get_object_or_404(ExportJob, pk=job_id)
        # Only the organiser who asked (or a superuser): the file holds what their filters chose.
        if job.user_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        if job.status != ExportJob.Status.EXPIRED and job.expires_at <= timezone.now():
            export_job_expire(job=job)
        return job

    def export_job_view(self, request, job_id):
        job = self._own_job(request, job_id)
        kind = EXPORT_KINDS[job.kind]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export"),
            "opts": self.opts,
            "job": job,
            "refresh_seconds": 2,
            "back_url": reverse(kind.page) + (f"?{job.query}" if job.query else ""),
            "back_label": kind.back_label,
            # A job that imports makes no file: its page says what it found.
            "imports": kind.build is None,
            "summary": kind.summary(job) if kind.summary and job.status == ExportJob.Status.DONE else "",
        }
        return TemplateResponse(request, "admin/registration/export_job.html", context)

    def export_job_file_view(self, request, job_id):
        job = self._own_job(request, job_id)
        if job.status != ExportJob.Status.DONE or EXPORT_KINDS[job.kind].build is None:
            return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))
        # Rights are asked again: an organiser taken off the meeting's team since it was built gets nothing.
        if not export_job_allowed(job=job):
            export_job_refuse(job=job)
            return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))
        try:
            handle = export_job_path(job=job).open("rb")
        except FileNotFoundError:
            export_job_expire(job=job)
            return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))
        content_type = EXPORTERS[job.format].content_type
        return FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=content_type)

    def dashboard_view(self, request):
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        # Another team's meeting in the address is a 404, never its figures. Without one, the meeting
        # being prepared opens, not the draft copy made for next year (organisers' walk, F3.17).
        meetings, meeting = meeting_for_user_chosen(
            user=request.user, meeting_id=request.GET.get("meeting"), upcoming_first=True
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Registrations dashboard"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "can_view_registrations": self.has_view_permission(request),
            "can_arrange_accessibility": can_arrange_accessibility(request.user),
            # By name, not by import: the delegations app builds on this one.
            "can_view_delegations": request.user.has_perm("delegations.view_delegation"),
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
            "can_view_dashboard": can_view_dashboard(request.user),
            "export_formats": [(exporter.identifier, exporter.label) for exporter in TABLE_EXPORTERS.values()],
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="registration_dashboard"),
            path("export/<str:format_id>/", view(self.export_view), name="registration_registration_export"),
            path("speakers/<str:format_id>/", view(self.speakers_view), name="registration_registration_speakers"),
            path("export-job/<int:job_id>/", view(self.export_job_view), name="registration_export_job"),
            path("export-job/<int:job_id>/file/", view(self.export_job_file_view), name="registration_export_job_file"),
            *super().get_urls(),
        ]
