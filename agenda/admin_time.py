"""Times in the admin as the meeting's own clock reads them: shown, typed and labelled in the meeting's time zone."""

import zoneinfo

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.selectors import meetings_for_user

# One format for every time the admin writes itself: lists, records, the acts on a registration.
TIME_FORMAT = "%Y-%m-%d %H:%M %Z"


def meeting_time(value, meeting) -> str:
    """`value` on `meeting`'s clock, "2027-01-05 09:00 CET"; "—" for no time; the site's zone for no meeting."""
    if value is None:
        return "—"
    return timezone.localtime(value, meeting.tzinfo if meeting is not None else None).strftime(TIME_FORMAT)


def meeting_time_display(model, field_name: str):
    """A read-only admin column or field showing `model.field_name` by `meeting_time`, under the field's own label."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def shown(self, obj):
        return meeting_time(getattr(obj, field_name), self.meeting_of(obj))

    shown.__name__ = f"{field_name}_shown"
    return shown


def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class MeetingTimeAdminMixin:
    """A change page's times in its meeting's zone, and a list's in its meetings' zone when they share one.

    The page is built, and what is typed is read, under `timezone.override`: an organiser typing
    09:00 for a 9 o'clock meeting in Geneva stores 08:00 UTC, and sees 09:00 again. Every date-time
    field says which zone it is in. Needs `meeting_lookup` (from `MeetingScopedAdminMixin`).
    """

    def meeting_of(self, obj):
        """`obj`'s meeting along `meeting_lookup`, or None where the path is empty (an email of no registration)."""
        if self.meeting_lookup == "pk":
            return obj
        for part in self.meeting_lookup.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj

    def _form_zone(self, request, object_id):
        if self.meeting_lookup == "pk":
            # The meeting's own page: its times are in the zone chosen on the form being sent.
            typed = _zone(request.POST.get("time_zone"))
            if typed is not None:
                return typed
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            meeting = self.meeting_of(obj) if obj is not None else None
            return meeting.tzinfo if meeting is not None else None
        meetings = meetings_for_user(request.user)
        chosen = request.POST.get("meeting") or request.GET.get("meeting")
        if chosen and str(chosen).isdigit():
            meeting = meetings.filter(pk=chosen).first()
            return meeting.tzinfo if meeting else None
        return _one_zone(meetings)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self._form_zone(request, object_id)
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zone):
            return _rendered(super().changeform_view(request, object_id, form_url, extra_context))

    def changelist_view(self, request, extra_context=None):
        zone = _one_zone(meetings_for_user(request.user))
        if zone is None:
            return super().changelist_view(request, extra_context)
        with timezone.override(zone):
            return _rendered(super().changelist_view(request, extra_context))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateTimeField):
            # Built inside changeform_view's override, so this names the meeting's zone.
            label = _("Meeting time: %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
            field.help_text = f"{field.help_text} {label}".strip() if field.help_text else label
            # The admin's date and time boxes sit in a fieldset under the field's name with bare "Date:" and
            # "Time:" texts, which name neither box: each gets its own accessible name.
            for widget, part in zip(getattr(field.widget, "widgets", ()), (_("Date:"), _("Time:")), strict=False):
                widget.attrs["aria-label"] = f"{db_field.verbose_name} — {part.rstrip(':')}"
        return field


def _rendered(response):
    # A TemplateResponse renders after the view returns, outside the override: render it inside.
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _one_zone(meetings):
    """The zone of `meetings` when they all have the same, else None (the list's own columns then say theirs)."""
    zones = list(meetings.order_by().values_list("time_zone", flat=True).distinct()[:2])
    return _zone(zones[0]) if len(zones) == 1 else None
