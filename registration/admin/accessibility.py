"""The named list of accessibility needs, and its export, for those allowed to arrange the services."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from agenda.selectors import meeting_for_user_chosen
from registration.access import can_arrange_accessibility
from registration.exports.gate import export_respond
from registration.exports.tables import TABLE_EXPORTERS
from registration.models import ExportJob
from registration.reports.accessibility import accessibility_needs_list, accessibility_table


class AccessibilityPagesMixin:
    """The page and its files, under the registrations admin; only the user's meetings, only with the permission."""

    def accessibility_view(self, request, format_id=None):
        if not can_arrange_accessibility(request.user):
            raise PermissionDenied
        # Another team's meeting in the address is a 404, never its people.
        meetings, meeting = meeting_for_user_chosen(
            user=request.user, meeting_id=request.GET.get("meeting"), upcoming_first=True
        )
        if format_id is not None:
            if format_id not in TABLE_EXPORTERS or meeting is None:
                raise Http404
            table, stem = accessibility_table(meeting=meeting)
            return export_respond(
                request=request,
                kind=ExportJob.Kind.ACCESSIBILITY,
                format_id=format_id,
                table=table,
                total=table.queryset.count(),
                query=urlencode({"meeting": meeting.pk}),
                filename_stem=stem,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Accessibility needs"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "people": accessibility_needs_list(meeting=meeting) if meeting else [],
            "export_formats": [(exporter.identifier, exporter.label) for exporter in TABLE_EXPORTERS.values()],
        }
        return TemplateResponse(request, "admin/registration/accessibility.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("accessibility/", view(self.accessibility_view), name="registration_accessibility"),
            path(
                "accessibility/<str:format_id>/",
                view(self.accessibility_view),
                name="registration_accessibility_export",
            ),
            *super().get_urls(),
        ]
