"""The registrations admin's own pages: the filtered exports, the speakers' list and the dashboard."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.selectors import meeting_for_user_chosen

from . import charts
from .access import can_see_diversity
from .dashboard import dashboard_get
from .exports import EXPORTERS, SpeakersTable, registration_table
from .models import Registration
from .selectors import registration_speakers_list


class RegistrationPagesMixin:
    """Export, speakers' list and dashboard views for `RegistrationAdmin`, with their URLs."""

    def has_export_permission(self, request):
        return request.user.has_perm("registration.export_registrations")

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
        # Another team's meeting in the address is a 404, never its figures.
        meetings, meeting = meeting_for_user_chosen(user=request.user, meeting_id=request.GET.get("meeting"))
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
