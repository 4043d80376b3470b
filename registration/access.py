"""Who may see what in the admin: the dashboard's figures, and people by their diversity and accessibility answers."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField
from django.db.models.constants import LOOKUP_SEP

from registration.models import PROTECTED_ANSWER_FIELDS, PROTECTED_FIELDS, EmailChangeRequest, Registration

# The protected answers with a fixed set of values; the free-text ones are never a filter.
PROTECTED_FILTERS = tuple(
    name
    for name in PROTECTED_ANSWER_FIELDS
    if Registration._meta.get_field(name).choices or isinstance(Registration._meta.get_field(name), BooleanField)
)


def can_see_diversity(user) -> bool:
    return user.has_perm("registration.view_diversity_answers")


def can_arrange_accessibility(user) -> bool:
    """The named list of accessibility needs and its export, for those who book the services."""
    return user.has_perm("registration.arrange_accessibility")


def can_view_dashboard(user) -> bool:
    """The registrations dashboard and the participation report, both of one permission."""
    return user.has_perm("registration.view_dashboard")


# The secrets of the links the site emails. Nobody filters by them: `?manage_token__startswith=a`
# answered by a count would give a participant's link away a character at a time.
SECRET_FIELDS = {Registration: ("manage_token",), EmailChangeRequest: ("token",)}


def lookup_reaches_protected_answer(*, model, lookup: str) -> bool:
    """Whether a filter or search path ends on a registration's diversity or accessibility answer, or its consent time.

    Followed through every relation, so `meeting__registrations__disability` or `registration__gender`
    from another model count as much as `disability__exact`.
    """
    return _lookup_reaches(model=model, lookup=lookup, fields={Registration: PROTECTED_FIELDS})


def lookup_reaches_secret(*, model, lookup: str) -> bool:
    """Whether a filter or search path ends on the token of a manage or email-change link."""
    return _lookup_reaches(model=model, lookup=lookup, fields=SECRET_FIELDS)


def _lookup_reaches(*, model, lookup: str, fields: dict) -> bool:
    for part in lookup.split(LOOKUP_SEP):
        if part in fields.get(model, ()):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class ProtectedAnswersAdminMixin:
    """Without registration.view_diversity_answers, no filter or search of this admin reaches a protected answer;
    with or without it, none reaches the token of a link the site emails.

    Hiding the sidebar's filters is not enough: Django accepts any lookup on a model's own fields typed
    into the address (`?disability__exact=yes`). Refused lookups raise DisallowedModelAdminLookup, a
    400, in the list and in every export built from it.
    """

    def lookup_allowed(self, lookup, value, request=None):
        if lookup_reaches_secret(model=self.model, lookup=lookup):
            return False
        permitted = request is not None and can_see_diversity(request.user)
        if not permitted and lookup_reaches_protected_answer(model=self.model, lookup=lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if can_see_diversity(request.user):
            return fields
        return tuple(
            name for name in fields if not lookup_reaches_protected_answer(model=self.model, lookup=name.lstrip("^=@"))
        )
