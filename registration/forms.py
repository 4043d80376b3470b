"""The registration forms: the public one in the sections participants see, and the organisers' one in the admin."""

import copy
from functools import cache, cached_property

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.choices import flatten_choices
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agenda.cache import Built, cached
from agenda.models import InterpretationLanguage, Meeting
from registration.countries import COUNTRY_OTHER, unece_member_states
from registration.countries import country_choices as all_country_choices
from registration.form_labels import (
    SPEAKING_FIELDS,
    field_words_apply,
    focal_point_note,
    radio_errors_describe,
    shown_when,
    summary_label,
)
from registration.models import Registration
from registration.rules import CONSENT_BOX, RuleCheck, registration_rules_check
from registration.sections import PARTICIPANT_FIELDS, sections_for_meeting


def country_choices():
    return _country_choices(get_language())


@cache
def _country_choices(language):
    # Built once per language: the form is rendered and validated far more often than the names change.
    unece = unece_member_states(language)
    unece_codes = {code for code, _name in unece}
    others = [(code, name) for code, name in all_country_choices(language) if code not in unece_codes]
    return [
        ("", str(_("Choose a country"))),
        (str(_("UNECE member States")), list(unece)),
        (str(_("Other Member States and observer States")), others),
        (COUNTRY_OTHER, str(_("Other (please specify)"))),
    ]


@cache
def _country_codes(language) -> frozenset[str]:
    return frozenset(code for code, _name in flatten_choices(_country_choices(language)) if code)


class CountryChoiceField(forms.ChoiceField):
    """A country by its ISO code, checked against a set of codes rather than by walking 196 names in groups."""

    def valid_value(self, value):
        return str(value) in _country_codes(get_language())


def _privacy_label(meeting):
    # One sentence with the link inside, so each language can put the link where its word order needs it.
    return format_html(
        _(
            'I have read the <a href="{url}" target="_blank" rel="noopener">privacy notice (opens in a new tab)</a>'
            " and agree to my data being kept as it describes."
        ),
        url=reverse("registration:privacy", args=[meeting.slug]),
    )


def listening_languages(meeting: Meeting) -> list[InterpretationLanguage]:
    """The languages `meeting` interprets into, in the form's order, kept per process until agenda data changes."""
    return cached(
        f"listening-languages:{meeting.pk}",
        build=lambda: Built(list(meeting.interpretation_languages.order_by("position", "name"))),
    )


class ListeningLanguageField(forms.ModelChoiceField):
    """The meeting's languages as radio buttons, a posted one checked against the kept list, not the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages: list[InterpretationLanguage] = []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, InterpretationLanguage):
            value = value.pk
        for language in self.languages:
            if str(language.pk) == str(value):
                return language
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class RegistrationRulesMixin:
    """What the public and the organisers' forms share: the rules' outcome put on the form, and the values to store."""

    def _rules_apply(self, check: RuleCheck) -> dict:
        self.cleaned_data.update(check.values)
        for name, errors in check.errors.items():
            for error in errors:
                self.add_error(name, error)
        return self.cleaned_data

    stored_fields = (*PARTICIPANT_FIELDS, "diversity_consent_at")

    def registration_data(self) -> dict:
        """The values the registration services store, with the diversity consent's time (see `rules`)."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.stored_fields}


def _fields_prepared(meeting: Meeting) -> dict[str, forms.Field]:
    """The public form's fields for `meeting` in the current language, kept per process until agenda data changes."""
    return cached(
        f"registration-form-fields:{meeting.pk}:{get_language()}",
        build=lambda: Built(_fields_prepare(meeting)),
        shared=False,
    )


def _fields_prepare(meeting: Meeting) -> dict[str, forms.Field]:
    """The fields as `meeting` asks them: its sections only, its listening languages, choices worded for a form."""
    fields = copy.deepcopy(RegistrationForm.base_fields)
    sections = sections_for_meeting(meeting)
    # A section the meeting does not ask is not on the form at all: a POST of its fields is ignored,
    # so nothing is stored for them and the rules, which check only what they get, ask nothing of them.
    asked = {name for section in sections for name in section.fields}
    for name in PARTICIPANT_FIELDS:
        if name not in asked:
            del fields[name]
    if not any(section.key in ("diversity", "accessibility") for section in sections):
        del fields[CONSENT_BOX]
    languages = fields["listening_language"].languages = listening_languages(meeting)
    # The radios from the kept list too: ModelChoiceField uses set choices instead of its queryset.
    fields["listening_language"].choices = [(language.pk, str(language)) for language in languages]
    fields["country"].choices = country_choices()
    fields["category"].choices = [("", _("Choose a category")), *Registration.Category.choices]
    for name in ("imrf_attendance_level", "accreditation_route", "age_group"):
        if name in fields:
            fields[name].choices = [("", _("Choose one")), *fields[name].choices[1:]]
    for name in ("gender", "disability", "migrant_or_diaspora", "youth", "intervention_coordination"):
        if name in fields:
            # RadioSelect from a blank-able model field offers an empty "---------" radio: drop it.
            fields[name].choices = [choice for choice in fields[name].choices if choice[0]]
    autocomplete = {
        "email": "email",
        "first_name": "given-name",
        "last_name": "family-name",
        "honorific": "honorific-prefix",
        "organisation": "organization",
        "job_title": "organization-title",
    }
    for name, value in autocomplete.items():
        fields[name].widget.attrs["autocomplete"] = value
    fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
    fields["privacy_consent"].label = _privacy_label(meeting)
    for name, field in fields.items():
        field_words_apply(name, field)
    return fields


def _field_copy(field: forms.Field) -> forms.Field:
    """One form's copy of a prepared field: its own widget attributes and messages, the choices shared.

    Sharing is safe because choices are only ever replaced, never changed in place, while rendering
    changes the widget's attributes (crispy-forms adds its classes there), which each form has its own of.
    """
    copied = copy.copy(field)
    copied.widget = copy.copy(field.widget)
    copied.widget.attrs = field.widget.attrs.copy()
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    return copied


class RegistrationForm(RegistrationRulesMixin, forms.ModelForm):
    country = CountryChoiceField(label=_("Country represented or based in"), choices=country_choices)
    listening_language = ListeningLanguageField(
        label=_("Language you will listen in"),
        queryset=InterpretationLanguage.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Simultaneous interpretation is provided into these languages."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I accept the privacy notice"),
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )
    # Its own sentence, apart from the privacy notice: special-category answers need explicit consent
    # (GDPR art. 9(2)(a)), asked for only when the participant gives one.
    diversity_consent = forms.BooleanField(
        # A short name for screen readers; what the consent covers is its description.
        label=_("I agree to the use of my gender, diversity and accessibility answers, as described below."),
        help_text=format_lazy(
            "{} {}",
            _(
                "I agree that my answers to the gender, diversity and accessibility questions are used to take gender "
                "and diversity into account and to arrange the support I ask for. They are reported only in aggregate "
                "and seen one by one only by the organisers who need them. I can withdraw this consent, or erase my "
                "registration, at any time from the link in my confirmation email."
            ),
            _("Needed only if you answer any of the gender, diversity or accessibility questions."),
        ),
        required=False,
    )
    # Hidden from people by CSS; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = Registration
        fields = PARTICIPANT_FIELDS
        labels = {
            "honorific": _("Title (optional)"),
            "category_other": _("Please describe your category"),
            "country_other": _("Country or area, if not in the list"),
            "imrf_attendance_level": _("Expected level of your country's attendance at the IMRF"),
            "accreditation_route": _("How is your organisation accredited to the IMRF? (optional)"),
            "other_language": _("Interpretation into another language (optional)"),
            "other_language_reason": _("Why this language matters to you (optional)"),
            "gender": _("Gender (optional)"),
            "gender_self_description": _("Self-description (optional)"),
            "age_group": _("Age group (optional)"),
            "disability": _("Do you identify as a person with a disability? (optional)"),
            "migrant_or_diaspora": _("Do you identify as a migrant or a member of a diaspora? (optional)"),
            "youth": _("Do you identify as youth? (optional)"),
            "needs_captions": _("Live captions"),
            "needs_sign_language": _("Sign language interpretation"),
            "needs_screen_reader": _("Documents that work with a screen reader"),
            "accessibility_other": _("Other accessibility needs (optional)"),
            "wishes_to_speak": _("I wish to make a verbal intervention in the open discussion"),
            "intervention_topic": _("Topic of your intervention"),
            "intervention_coordination": _("Is your intervention coordinated on behalf of a group?"),
            "intervention_group": _("On behalf of which group of States or organisations?"),
            "questions": _("Questions for the secretariat (optional)"),
            "listed_publicly": _("You may show my name and organisation in the list of participants (optional)"),
        }
        help_texts = {
            "honorific": _("For example H.E., Dr, Mr, Ms, Mx."),
            "email": _("Your confirmation and the link to change your registration are sent here."),
            "category_other": _("A few words, for example “Parliament” or “National human rights institution”."),
            "other_language": _("We will try to accommodate other languages based on participants' requests."),
            "gender_self_description": _("If you wish, say how you describe yourself."),
            "age_group": _("Diversity answers are used only in aggregate, never to single anyone out."),
            "intervention_topic": _("The moderator builds the speakers' list from these requests."),
            "intervention_coordination": _(
                "In the interest of time, the organisers ask that interventions be coordinated."
            ),
        }
        widgets = {
            "category": forms.Select,
            "gender": forms.RadioSelect,
            "disability": forms.RadioSelect,
            "migrant_or_diaspora": forms.RadioSelect,
            "youth": forms.RadioSelect,
            "intervention_coordination": forms.RadioSelect,
            "other_language_reason": forms.Textarea(attrs={"rows": 2}),
            "accessibility_other": forms.Textarea(attrs={"rows": 2}),
            "intervention_topic": forms.Textarea(attrs={"rows": 2}),
            "questions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, meeting: Meeting, submit_label=None, **kwargs):
        # Django deep-copies the class's fields, choices and all, for every form: a third of the cost of a
        # registration. The fields are instead prepared once per meeting and language (`_fields_prepare`)
        # and each form gets light copies of them (`_field_copy`).
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        self.fields = {name: _field_copy(field) for name, field in _fields_prepared(meeting).items()}
        self.meeting = meeting
        self.sections = sections_for_meeting(meeting)
        protected_sections = [section.key for section in self.sections if section.key in ("diversity", "accessibility")]
        # The consent box comes before the first question it covers, where those answering them read it.
        self.consent_section = protected_sections[0] if protected_sections else None
        self.initial.setdefault(CONSENT_BOX, bool(self.instance.diversity_consent_at))
        if self.instance.pk:
            # Consent was given when registering; changing the registration keeps it.
            del self.fields["privacy_consent"]
        self.submit_label = submit_label or pgettext_lazy("button", "Register")

    @cached_property
    def helper(self):
        # Built only when the form is shown: a valid registration never needs its layout.
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            *(
                Fieldset(section.title, *self._section_items(section), css_class="form-section")
                for section in self.sections
            ),
            Div("website", css_class="hp-field"),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )
        return helper

    def _section_items(self, section):
        """A section's fields as laid out: its introduction, consent boxes, and fields shown only when they apply."""
        intro = {
            "diversity": self.meeting.diversity_note,
            "accessibility": _("Tell us what would help you take part (optional)."),
        }.get(section.key)
        items = [HTML(format_html('<p class="form-text">{}</p>', intro))] if intro else []
        if section.key == "consent" and "privacy_consent" in self.fields:
            items.append("privacy_consent")
        if section.key == self.consent_section:
            items.append(CONSENT_BOX)
        for name in section.fields:
            if name == SPEAKING_FIELDS[0]:
                items.append(Div(*(shown_when(field) for field in SPEAKING_FIELDS), data_show_when_speaking="true"))
            elif name not in SPEAKING_FIELDS:
                items.append(shown_when(name))
            if name == "category" and self.meeting.focal_point_categories and not self.instance.pk:
                items.append(focal_point_note(self.meeting))
        return items

    def full_clean(self):
        super().full_clean()
        radio_errors_describe(self)

    def _get_validation_exclusions(self):
        # Both were checked by the form's own fields, against the same values: the model's check that
        # the language exists would be one more query per registration, and the model's check of the
        # country walks its 196 choices where the form looks the code up in a set.
        return {*super()._get_validation_exclusions(), "listening_language", "country"}

    # The consent box itself, not its time: the services check the rules again and need to see it.
    stored_fields = (*PARTICIPANT_FIELDS, CONSENT_BOX)

    def clean_website(self):
        # A filled honeypot fails validation like any bad field, so nothing is saved.
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must be left empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        check = registration_rules_check(
            data={name: cleaned[name] for name in (*PARTICIPANT_FIELDS, CONSENT_BOX) if name in cleaned},
            meeting=self.meeting,
            instance=self.instance if self.instance.pk else None,
            self_registration=True,
        )
        return self._rules_apply(check)

    def error_summary(self):
        """Errors as (field id, label, message) in form order, for the summary at the top."""
        summary = []
        for name, errors in self.errors.items():
            if name == "__all__" or name not in self.fields:
                summary.extend((None, None, error) for error in errors)
                continue
            field = self[name]
            target = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                target = f"{field.auto_id}_0"
            summary.extend((target, summary_label(name, field.label), error) for error in errors)
        return summary


class RegistrationAdminForm(RegistrationRulesMixin, forms.ModelForm):
    """An organiser's edit: the public form's rules, a taken address refused, and the choice to tell the participant."""

    notify_participant = forms.BooleanField(
        label=_("Email the participant a summary of this change"),
        help_text=_("Leave unticked to correct a registration without writing to the participant."),
        required=False,
    )

    # Organisers also set the language the participant's emails are written in.
    stored_fields = (*RegistrationRulesMixin.stored_fields, "language")

    class Meta:
        model = Registration
        # The admin replaces this with the fields of its fieldsets.
        fields = ("email",)

    def clean(self):
        cleaned = super().clean()
        check = registration_rules_check(
            data={name: cleaned[name] for name in PARTICIPANT_FIELDS if name in cleaned},
            meeting=self.instance.meeting,
            instance=self.instance,
            refuse_taken_email=True,
        )
        return self._rules_apply(check)
