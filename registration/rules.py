"""What makes a registration valid, written once for the public form, the organisers' admin and the services.

Plain functions over a dict of values rather than `Registration.clean()`: the rules need to know who
is asking (a participant must never learn that an address is registered; an organiser must) and
whether the diversity consent box was on the page, which a model instance cannot say. The forms
call `registration_rules_check` from their `clean()`, so each error lands next to its field with the
values kept; the services call it again before writing, so no other path can skip it.

The registration deadline is not a rule of the registration but of who writes it: it binds
participants (`services.registration_create` and `registration_update` refuse after it), while an
organiser correcting a registration after the deadline is normal work (`registration_organiser_update`).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from registration.countries import COUNTRY_OTHER
from registration.models import PROTECTED_ANSWER_FIELDS, Registration, protected_answers_given

# Categories that are neither governments nor intergovernmental bodies: the concept
# note's "other stakeholders", who may say how they are accredited to the IMRF.
STAKEHOLDER_CATEGORIES = (
    Registration.Category.CIVIL_SOCIETY,
    Registration.Category.MIGRANT_DIASPORA,
    Registration.Category.PRIVATE_SECTOR,
    Registration.Category.TRADE_UNION,
    Registration.Category.ACADEMIA,
    Registration.Category.LOCAL_AUTHORITY,
    Registration.Category.OTHER,
)
# The box a participant ticks on the public form; the admin has none (an organiser cannot consent for anyone).
CONSENT_BOX = "diversity_consent"


@dataclass(frozen=True)
class RuleCheck:
    """The values to store (conditional fields that do not apply emptied) and the errors, by field name."""

    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


def email_normalise(email: str) -> str:
    """The address as stored: without the spaces a paste brings. Its letter case is kept; comparisons ignore it."""
    return email.strip()


def registration_email_taken(*, meeting: Meeting, email: str, exclude_pk: int | None = None) -> bool:
    """Whether another registration for `meeting` has `email`, in any letter case (as the database constraint)."""
    return (
        Registration.objects.filter(meeting=meeting, email__iexact=email_normalise(email))
        .exclude(pk=exclude_pk)
        .exists()
    )


def focal_point_only(*, meeting: Meeting, category: str) -> bool:
    """Whether participants of `category` are nominated by their focal point for `meeting`, not on the public form."""
    return bool(category) and category in meeting.focal_point_categories


def focal_point_message(*, meeting: Meeting) -> str:
    """What the public form tells a participant whose category registers through its focal point."""
    return _(
        "Participants of this category are nominated by their focal point, not registered on this form. Please ask "
        "your focal point (for a Government, usually at its Permanent Mission) to nominate you; if you do not know "
        "who it is, write to %(email)s."
    ) % {"email": meeting.contact_email}


def _conditional_fields(values: dict[str, Any]) -> dict[str, tuple[bool, Any]]:
    """Each conditional field: whether it applies to these answers, and the error when it applies but is empty."""
    category = values.get("category")
    speaking = bool(values.get("wishes_to_speak"))
    return {
        "category_other": (category == Registration.Category.OTHER, _("Please describe your category.")),
        "country_other": (values.get("country") == COUNTRY_OTHER, _("Please name the country or area.")),
        "imrf_attendance_level": (
            category == Registration.Category.MEMBER_STATE,
            _("Please say at what level your country expects to attend the IMRF."),
        ),
        "accreditation_route": (category in STAKEHOLDER_CATEGORIES, None),
        "gender_self_description": (values.get("gender") == Registration.Gender.NON_BINARY, None),
        "intervention_topic": (speaking, _("Please give the topic of your intervention.")),
        "intervention_coordination": (
            speaking,
            _("Please say whether your intervention is coordinated on behalf of a group."),
        ),
        "intervention_group": (
            speaking and values.get("intervention_coordination") == Registration.Coordination.GROUP,
            _("Please name the group you will speak for."),
        ),
    }


def conditionally_required_fields() -> frozenset[str]:
    """The fields that must be answered whenever they apply (the form marks them * when they appear)."""
    return frozenset(name for name, (_applies, message) in _conditional_fields({}).items() if message)


def _consent_error(values: dict[str, Any], *, box_shown: bool) -> tuple[str, str]:
    if box_shown:
        return CONSENT_BOX, _(
            "Please tick this box to agree to how your gender, diversity and accessibility answers are "
            "used, or leave those questions unanswered."
        )
    first_answer = next(name for name in PROTECTED_ANSWER_FIELDS if protected_answers_given({name: values.get(name)}))
    return first_answer, _(
        "The participant has not agreed to how gender, diversity and accessibility answers are used, "
        "so this answer cannot be recorded. Only the participant can give that consent, from their manage link."
    )


def registration_rules_check(
    *,
    data: dict[str, Any],
    meeting: Meeting,
    instance: Registration | None = None,
    refuse_taken_email: bool = False,
    self_registration: bool = False,
    now: datetime.datetime | None = None,
) -> RuleCheck:
    """Check and tidy the answers in `data` against the rules of a registration of `meeting`.

    Only the fields present in `data` are checked and returned: a form leaves out a field that
    failed its own validation, and the admin leaves out the answers an organiser may not see.
    The diversity consent is the `diversity_consent` box when `data` has it, otherwise the consent
    stored on `instance`; `diversity_consent_at` is returned whenever those answers are in `data`.
    `refuse_taken_email` is for organisers: the public form must not tell whether an address is
    registered, so there a taken address is answered by email instead (`services.registration_create`).
    `self_registration` is for participants registering or changing their own registration: a category the
    meeting registers through focal points is refused (`focal_point_only`), unless it is the one already
    stored (a delegate whose focal point nominated them changes their own answers).
    """
    values = dict(data)
    errors: dict[str, list[str]] = {}
    if "email" in values:
        values["email"] = email_normalise(values["email"])
        exclude_pk = instance.pk if instance is not None else None
        if refuse_taken_email and registration_email_taken(
            meeting=meeting, email=values["email"], exclude_pk=exclude_pk
        ):
            errors["email"] = [_("Another registration for this meeting already has this email.")]
    category = values.get("category")
    if (
        self_registration
        and focal_point_only(meeting=meeting, category=category)
        and (instance is None or instance.category != category)
    ):
        errors["category"] = [focal_point_message(meeting=meeting)]
    for name, (applies, message) in _conditional_fields(values).items():
        if name not in values:
            continue
        if not applies:
            values[name] = ""
        elif not values[name] and message:
            errors.setdefault(name, []).append(message)
    if values.get("other_language_reason") and not values.get("other_language") and "other_language" in values:
        errors.setdefault("other_language", []).append(_("Please name the language you are asking for."))
    if any(name in values for name in PROTECTED_ANSWER_FIELDS):
        stored_consent_at = instance.diversity_consent_at if instance is not None else None
        box_shown = CONSENT_BOX in values
        consent = values.pop(CONSENT_BOX) if box_shown else stored_consent_at is not None
        answered = protected_answers_given(values)
        if answered and not consent:
            name, message = _consent_error(values, box_shown=box_shown)
            errors.setdefault(name, []).append(message)
        values["diversity_consent_at"] = (stored_consent_at or now or timezone.now()) if answered else None
    values.pop(CONSENT_BOX, None)
    return RuleCheck(values=values, errors=errors)
