"""The meeting's team field: staff found by search, never a list of every user of the site."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model

from agenda.models import Meeting

# A search shorter than this finds no one: the widget offers people to someone who knows whom to add.
TEAM_SEARCH_MIN_CHARS = 2


def team_candidates():
    """Who may be put on a meeting's team: active staff (the admin is theirs alone)."""
    return get_user_model().objects.filter(is_staff=True, is_active=True)


def _is_team_field(field) -> bool:
    return field.model is Meeting and field.name == "team"


class TeamAutocompleteJsonView(AutocompleteJsonView):
    """Django's admin autocomplete; for the team field it answers superusers, who alone change teams,
    with active staff matching at least TEAM_SEARCH_MIN_CHARS typed characters (issue 19, Low 12).
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        self.team_field = _is_team_field(source_field)
        self.meeting_admin = self.admin_site._registry.get(Meeting)
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request, obj=None):
        if self.team_field:
            # Who works on a meeting is a superuser's choice (README, "Organisers' rights per meeting"):
            # the team sees its registrations' personal data, so only a superuser searches for members.
            return self.meeting_admin is not None and request.user.is_active and request.user.is_superuser
        return super().has_perm(request, obj)

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.team_field:
            return queryset
        if len(self.term.strip()) < TEAM_SEARCH_MIN_CHARS:
            return queryset.none()
        return queryset.filter(pk__in=team_candidates().values("pk"))
