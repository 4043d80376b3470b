"""The form's words beside its labels: each field's short name in the error summary, and when a field applies."""

from django import forms
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from registration.rules import conditionally_required_fields

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
