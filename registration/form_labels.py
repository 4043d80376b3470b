"""The form's words beside its labels: each field's short name in the error summary, when a field applies, and the
note for those who register through their focal point."""

from crispy_forms.layout import HTML, Div
from django import forms
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from registration.countries import COUNTRY_OTHER
from registration.models import Registration
from registration.rules import STAKEHOLDER_CATEGORIES, conditionally_required_fields, focal_point_message

# Fields shown only when an earlier answer makes them apply (the page's script reads these attributes).
SHOWN_WHEN = {
    "category_other": {"data_show_when_category": Registration.Category.OTHER},
    "country_other": {"data_show_when_country": COUNTRY_OTHER},
    "imrf_attendance_level": {"data_show_when_category": Registration.Category.MEMBER_STATE},
    "accreditation_route": {"data_show_when_category": " ".join(STAKEHOLDER_CATEGORIES)},
    "gender_self_description": {"data_show_when_gender": Registration.Gender.NON_BINARY},
    "intervention_group": {"data_show_when_coordination": Registration.Coordination.GROUP},
}
# Shown together, only to those who wish to speak.
SPEAKING_FIELDS = ("intervention_topic", "intervention_coordination", "intervention_group")


def shown_when(name):
    """The field, wrapped in what tells the page's script when it applies."""
    return Div(name, **SHOWN_WHEN[name]) if name in SHOWN_WHEN else name


def focal_point_note(meeting) -> HTML:
    """The note shown once a category the meeting registers through focal points is chosen (`rules.focal_point_only`).

    Hidden until the page's script shows it, and announced as it appears; without the script it stays hidden,
    and the rules refuse the category with the same words beside the field.
    """
    return HTML(
        format_html(
            '<div aria-live="polite"><p class="alert alert-info" id="focal-point-note" hidden'
            ' data-show-when-category="{}">{}</p></div>',
            " ".join(meeting.focal_point_categories),
            focal_point_message(meeting=meeting),
        )
    )


# The error summary names each field shortly: a label that is a sentence or a question ("I have read
# the privacy notice… as it describes.") would run into the summary's colon (". :", "? :").
SUMMARY_LABELS = {
    "honorific": _("Title"),
    "category_other": _("Other category"),
    "country": _("Country"),
    "imrf_attendance_level": _("Level of attendance at the IMRF"),
    "accreditation_route": _("Accreditation"),
    "listening_language": _("Listening language"),
    "other_language": _("Other language"),
    "other_language_reason": _("Why this language"),
    "gender": _("Gender"),
    "gender_self_description": _("Self-description"),
    "age_group": _("Age group"),
    "disability": _("Disability"),
    "migrant_or_diaspora": _("Migrant or diaspora"),
    "youth": _("Youth"),
    "accessibility_other": _("Other accessibility needs"),
    "wishes_to_speak": _("Taking the floor"),
    "intervention_topic": _("Topic of the intervention"),
    "intervention_coordination": _("Coordination"),
    "intervention_group": _("Group"),
    "questions": _("Questions"),
    "listed_publicly": _("List of participants"),
    "privacy_consent": _("Privacy notice"),
    "diversity_consent": _("Consent to the gender, diversity and accessibility answers"),
    "website": _("Leave this field empty"),
}

# When a field that only some people answer applies. The page's script hides such a field until it
# does; without the script every field shows, and this sentence tells who answers it.
WHEN_HINTS = {
    "category_other": _("Only if your category is “Other”."),
    "imrf_attendance_level": _("Member State governments only."),
    "accreditation_route": _(
        "Only for stakeholders: not for governments, UN system entities or other intergovernmental organisations."
    ),
    "gender_self_description": _("Only if you chose “Non-binary or another identity”."),
    "intervention_topic": _("Only if you wish to take the floor."),
    "intervention_coordination": _("Only if you wish to take the floor."),
    "intervention_group": _("Only if your intervention is coordinated on behalf of a group."),
}


def summary_label(name: str, label) -> str:
    """The name the error summary gives field `name`: its short name, else its label without end punctuation."""
    if name in SUMMARY_LABELS:
        return SUMMARY_LABELS[name]
    # Without its markup: a conditional field's label carries its star in a <span>.
    return strip_tags(str(label)).rstrip(" .?!:*")


# Django's own message says "adresse de courriel"; the form and the site say "adresse électronique".
EMAIL_INVALID = _("Enter a valid email address.")


def _help_text_with_hint(name: str, help_text) -> str:
    if name not in WHEN_HINTS:
        return help_text
    if not help_text:
        return str(WHEN_HINTS[name])
    # Both are plain text: escaped here, as crispy marks help texts safe.
    return format_html("{} {}", WHEN_HINTS[name], help_text)


def field_words_apply(name: str, field: forms.Field) -> None:
    """Field `name` of the public form: its star and when it applies, the site's terms in its messages."""
    field.help_text = _help_text_with_hint(name, field.help_text)
    if name in conditionally_required_fields():
        # Required whenever it applies, yet not a required field (it stays empty when it does not apply):
        # it carries the star the form's "Fields marked * are required" speaks of, written as crispy writes it.
        field.label = format_html('{}<span class="asteriskField">*</span>', field.label)
    if isinstance(field, forms.EmailField):
        # A validator's error takes the field's message for its code (Field.run_validators).
        field.error_messages = {**field.error_messages, "invalid": EMAIL_INVALID}


def radio_errors_describe(form) -> None:
    """Each radio of a group in error described by the error (and help) text.

    Crispy describes only the group's fieldset, which many screen readers do not read on arrival at
    a radio: the user would hear "invalid" without the reason.
    """
    for name in form.errors:
        field = form.fields.get(name)
        if field is None or not isinstance(field.widget, forms.RadioSelect):
            continue
        auto_id = form[name].auto_id
        described_by = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
        field.widget.attrs["aria-describedby"] = " ".join(described_by)
