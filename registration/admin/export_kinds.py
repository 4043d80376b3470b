"""How each background export is checked and built again as its user: through the very admin pages that asked for it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from agenda.selectors import meeting_for_user_chosen
from registration.access import can_arrange_accessibility, can_view_dashboard
from registration.exports.background import (
    ExportKind,
    chair_list_table,
    export_kind_register,
    export_table,
    participation_table,
)
from registration.exports.tables import Table
from registration.models import ExportJob, FloorDecision, Registration
from registration.online.attendance import attendance_import_summary
from registration.reports.accessibility import accessibility_table


def _admin_request(*, user, model, url_name: str, query: str) -> tuple[admin.ModelAdmin, HttpRequest]:
    """The model's admin and a GET request to `url_name` as `user` made it, for a task that has no request."""
    request = HttpRequest()
    request.method = "GET"
    request.path = reverse(url_name)
    request.GET = QueryDict(query)
    request.user = user
    return admin.site.get_model_admin(model), request


def _check_registrations(*, user, query: str) -> tuple[admin.ModelAdmin, HttpRequest]:
    model_admin, request = _admin_request(
        user=user, model=Registration, url_name="admin:registration_registration_changelist", query=query
    )
    if not (model_admin.has_view_permission(request) and model_admin.has_export_permission(request)):
        raise PermissionDenied
    return model_admin, request


def _build_registrations(*, user, query: str, kind: str) -> tuple[Table, str, list[int]]:
    """The changelist's rows for the user and query, through the very admin code of the immediate export."""
    model_admin, request = _check_registrations(user=user, query=query)
    queryset = model_admin.get_changelist_instance(request).queryset
    table, stem = export_table(user=user, queryset=queryset, kind=kind)
    meeting_ids = sorted(set(queryset.order_by().values_list("meeting_id", flat=True).distinct()))
    return table, stem, meeting_ids


def _meeting_asked(*, user, query: str) -> Meeting:
    """The meeting the job names, if it is still one of the user's: the team rule of every meeting page."""
    meeting_id = QueryDict(query).get("meeting")
    if not meeting_id:
        # Without an id the chooser falls back to the user's latest meeting, which is not what was asked for.
        raise Http404
    _meetings, meeting = meeting_for_user_chosen(user=user, meeting_id=meeting_id)
    return meeting


def _check_chair_list(*, user, query: str) -> Meeting:
    model_admin, request = _admin_request(
        user=user, model=FloorDecision, url_name="admin:registration_floordecision_chair", query=query
    )
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return _meeting_asked(user=user, query=query)


def _check_participation(*, user, query: str) -> Meeting:
    if not can_view_dashboard(user):
        raise PermissionDenied
    return _meeting_asked(user=user, query=query)


def _check_accessibility(*, user, query: str) -> Meeting:
    if not can_arrange_accessibility(user):
        raise PermissionDenied
    return _meeting_asked(user=user, query=query)


def _check_attendance_import(*, user, query: str) -> Meeting:
    """An import runs as its user: still allowed to import attendance, and still on the meeting's team."""
    if not user.has_perm("registration.add_attendance"):
        raise PermissionDenied
    meeting_id = QueryDict(query).get("meeting__id__exact")
    if not meeting_id:
        raise Http404
    _meetings, meeting = meeting_for_user_chosen(user=user, meeting_id=meeting_id)
    return meeting


def _attendance_import_summary(job: ExportJob) -> str:
    return attendance_import_summary(**job.result) if job.result else ""


def _of_meeting(table_of, *, meeting: Meeting) -> tuple[Table, str, list[int]]:
    return (*table_of(meeting=meeting), [meeting.pk])


export_kind_register(
    kind=ExportJob.Kind.REGISTRATIONS,
    export_kind=ExportKind(
        check=_check_registrations,
        build=lambda *, user, query: _build_registrations(user=user, query=query, kind=ExportJob.Kind.REGISTRATIONS),
        page="admin:registration_registration_changelist",
        back_label=_("Back to the registrations"),
    ),
)

export_kind_register(
    kind=ExportJob.Kind.SPEAKERS,
    export_kind=ExportKind(
        check=_check_registrations,
        build=lambda *, user, query: _build_registrations(user=user, query=query, kind=ExportJob.Kind.SPEAKERS),
        page="admin:registration_registration_changelist",
        back_label=_("Back to the registrations"),
    ),
)

export_kind_register(
    kind=ExportJob.Kind.CHAIR_LIST,
    export_kind=ExportKind(
        check=_check_chair_list,
        build=lambda *, user, query: _of_meeting(chair_list_table, meeting=_check_chair_list(user=user, query=query)),
        page="admin:registration_floordecision_chair",
        back_label=_("Back to the speakers' list"),
    ),
)

export_kind_register(
    kind=ExportJob.Kind.PARTICIPATION,
    export_kind=ExportKind(
        check=_check_participation,
        build=lambda *, user, query: _of_meeting(
            participation_table, meeting=_check_participation(user=user, query=query)
        ),
        page="admin:registration_participation_report",
        back_label=_("Back to the participation report"),
    ),
)

export_kind_register(
    kind=ExportJob.Kind.ACCESSIBILITY,
    export_kind=ExportKind(
        check=_check_accessibility,
        build=lambda *, user, query: _of_meeting(
            accessibility_table, meeting=_check_accessibility(user=user, query=query)
        ),
        page="admin:registration_accessibility",
        back_label=_("Back to the accessibility needs"),
    ),
)

export_kind_register(
    kind=ExportJob.Kind.ATTENDANCE_IMPORT,
    export_kind=ExportKind(
        check=_check_attendance_import,
        build=None,
        # Back to the people of the meeting left to match, which the job's query names.
        page="admin:registration_attendance_changelist",
        back_label=_("See the people to match"),
        summary=_attendance_import_summary,
    ),
)
