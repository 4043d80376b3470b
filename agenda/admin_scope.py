"""The admin's one rule for several meetings: each list, page and choice holds only the user's meetings."""

from django.contrib import admin

from agenda.admin_time import MeetingTimeAdminMixin
from agenda.selectors import meetings_for_user


class MeetingFilter(admin.RelatedOnlyFieldListFilter):
    """The meeting filter, offering only the meetings of the rows the user may see.

    Always shown, even with one meeting: Django ignores the address's value of a filter it does
    not show, so `?meeting__id__exact=<another meeting>` would list everything instead of nothing.
    """

    def has_output(self):
        return True


class MeetingScopedAdminMixin(MeetingTimeAdminMixin):
    """Limits a ModelAdmin to the rows of the user's meetings (`meetings_for_user`).

    `meeting_lookup` is the path from the model to its meeting. The change page, the delete page,
    actions and every export built from the changelist read `get_queryset`, so a row of another
    team's meeting is "not found" there as everywhere; its id typed into the address answers as an
    id that does not exist. Choosing a meeting (a new agenda item, reminder…) offers only the
    user's, so nobody adds a row to a meeting they do not work on. Times are the meeting's
    (`MeetingTimeAdminMixin`).
    """

    meeting_lookup = "meeting"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.meeting_lookup}__in": meetings_for_user(request.user)})

    def _in_users_meetings(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        meeting = self.meeting_of(obj)
        return meeting is not None and meetings_for_user(request.user).filter(pk=meeting.pk).exists()

    # The pages fetch rows through get_queryset already; asked again per row, so a page or action that
    # gets its row another way still cannot reach another team's meeting.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self._in_users_meetings(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._in_users_meetings(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._in_users_meetings(request, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting" and db_field.related_model._meta.label == "agenda.Meeting":
            kwargs["queryset"] = meetings_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # The plain meeting filter lists every meeting's title; this one only those of the rows shown.
        return tuple(
            (name, MeetingFilter) if name == self.meeting_lookup else name for name in super().get_list_filter(request)
        )
