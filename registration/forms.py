"""The public registration form, grouped in the sections participants see."""

from functools import cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agenda.models import InterpretationLanguage, Meeting

from .countries import unece_member_states
from .models import Registration, protected_answers_given

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


def country_choices():
    return _country_choices(get_language())


@cache
def _country_choices(language):
    # Built once per language: sorting 250 translated country names on every form was most
    # of the cost of validating a registration.
    unece = unece_member_states()
    unece_codes = {code for code, _name in unece}
    if (language or "en").split("-")[0] != "en":
        # The reference file has the UN's English short names; other languages take django-countries'
        # translated names, in that language's alphabetical order.
        unece = [(code, str(name)) for code, name in countries if code in unece_codes]
    others = [(code, str(name)) for code, name in countries if code not in unece_codes]
    return [
        ("", str(_("Choose a country"))),
        (str(_("UNECE member States")), list(unece)),
        (str(_("All other countries and territories")), others),
    ]


def _privacy_label():
    # One sentence with the link inside, so each language can put the link where its word order needs it.
    return format_html(
        _(
            'I have read the <a href="{url}" target="_blank" rel="noopener">privacy notice (opens in a new tab)</a>'
            " and agree to my data being kept as it describes."
        ),
        url=reverse("registration:privacy"),
    )


class RegistrationForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country represented or based in"), choices=country_choices)
    listening_language = forms.ModelChoiceField(
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
        label=_(
            "I agree that my answers to the gender, diversity and accessibility questions are used to take gender "
            "and diversity into account and to arrange the support I ask for. They are reported only in aggregate "
            "and seen one by one only by the organisers who need them. I can withdraw this consent, or erase my "
            "registration, at any time from the link in my confirmation email."
        ),
        help_text=_("Needed only if you answer any of the gender, diversity or accessibility questions."),
        required=False,
    )
    # Hidden from people by CSS; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = Registration
        fields = [
            "honorific",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "organisation",
            "category",
            "category_other",
            "country",
            "imrf_attendance_level",
            "accreditation_route",
            "listening_language",
            "other_language",
            "other_language_reason",
            "gender",
            "gender_self_description",
            "age_group",
            "disability",
            "migrant_or_diaspora",
            "youth",
            "needs_captions",
            "needs_sign_language",
            "needs_screen_reader",
            "accessibility_other",
            "wishes_to_speak",
            "intervention_topic",
            "intervention_coordination",
            "intervention_group",
            "questions",
            "listed_publicly",
        ]
        labels = {
            "honorific": _("Title (optional)"),
            "category_other": _("Please describe your category"),
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
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["listening_language"].queryset = meeting.interpretation_languages.order_by("position", "name")
        self.fields["category"].choices = [("", _("Choose a category")), *Registration.Category.choices]
        for name in ("imrf_attendance_level", "accreditation_route", "age_group"):
            self.fields[name].choices = [("", _("Choose one")), *self.fields[name].choices[1:]]
        for name in ("gender", "disability", "migrant_or_diaspora", "youth", "intervention_coordination"):
            # RadioSelect from a blank-able model field offers an empty "---------" radio: drop it.
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["honorific"].widget.attrs["autocomplete"] = "honorific-prefix"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["job_title"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.initial.setdefault("diversity_consent", bool(self.instance.diversity_consent_at))
        if self.instance.pk:
            # Consent was given when registering; changing the registration keeps it.
            del self.fields["privacy_consent"]
        else:
            self.fields["privacy_consent"].label = _privacy_label()
        self.helper = self._build_helper(submit_label or pgettext_lazy("button", "Register"))

    def _build_helper(self, submit_label):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        stakeholders = " ".join(STAKEHOLDER_CATEGORIES)
        consent = ["privacy_consent"] if "privacy_consent" in self.fields else []
        helper.layout = Layout(
            Fieldset(_("About you"), "honorific", "first_name", "last_name", "email", "job_title", "organisation"),
            Fieldset(
                _("Whom you represent"),
                "category",
                Div("category_other", data_show_when_category="other"),
                "country",
                Div("imrf_attendance_level", data_show_when_category=Registration.Category.MEMBER_STATE),
                Div("accreditation_route", data_show_when_category=stakeholders),
            ),
            Fieldset(_("Interpretation"), "listening_language", "other_language", "other_language_reason"),
            Fieldset(
                _("Gender and diversity"),
                HTML(format_html('<p class="form-text">{}</p>', self.meeting.diversity_note))
                if self.meeting.diversity_note
                else HTML(""),
                "gender",
                Div("gender_self_description", data_show_when_gender=Registration.Gender.NON_BINARY),
                "age_group",
                "disability",
                "migrant_or_diaspora",
                "youth",
            ),
            Fieldset(
                _("Accessibility"),
                HTML(
                    format_html('<p class="form-text">{}</p>', _("Tell us what would help you take part (optional)."))
                ),
                "needs_captions",
                "needs_sign_language",
                "needs_screen_reader",
                "accessibility_other",
                "diversity_consent",
            ),
            Fieldset(
                _("Taking the floor"),
                "wishes_to_speak",
                Div(
                    "intervention_topic",
                    "intervention_coordination",
                    Div("intervention_group", data_show_when_coordination=Registration.Coordination.GROUP),
                    data_show_when_speaking="true",
                ),
                "questions",
            ),
            Fieldset(_("Consent"), *consent, "listed_publicly"),
            Div("website", css_class="hp-field"),
            Submit("submit", submit_label, css_class="btn-lg"),
        )
        for fieldset in helper.layout.fields:
            if isinstance(fieldset, Fieldset):
                fieldset.css_class = "form-section"
        return helper

    def registration_data(self) -> dict:
        """The cleaned values the registration services store (no consent boxes, no honeypot).

        With the diversity consent's time: kept from an earlier consent, now if given now, and
        empty once no question is answered.
        """
        data = {name: value for name, value in self.cleaned_data.items() if name in self.Meta.fields}
        consent_at = None
        if protected_answers_given(data) and self.cleaned_data.get("diversity_consent"):
            consent_at = self.instance.diversity_consent_at or timezone.now()
        return {**data, "diversity_consent_at": consent_at}

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_website(self):
        # A filled honeypot fails validation like any bad field, so nothing is saved.
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must be left empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        self._require_or_clear(
            "category_other", when=category == Registration.Category.OTHER, message=_("Please describe your category.")
        )
        self._require_or_clear(
            "imrf_attendance_level",
            when=category == Registration.Category.MEMBER_STATE,
            message=_("Please say at what level your country expects to attend the IMRF."),
        )
        if category not in STAKEHOLDER_CATEGORIES:
            cleaned["accreditation_route"] = ""
        if cleaned.get("gender") != Registration.Gender.NON_BINARY:
            cleaned["gender_self_description"] = ""
        if not cleaned.get("other_language") and cleaned.get("other_language_reason"):
            self.add_error("other_language", _("Please name the language you are asking for."))
        speaking = bool(cleaned.get("wishes_to_speak"))
        self._require_or_clear(
            "intervention_topic", when=speaking, message=_("Please give the topic of your intervention.")
        )
        self._require_or_clear(
            "intervention_coordination",
            when=speaking,
            message=_("Please say whether your intervention is coordinated on behalf of a group."),
        )
        self._require_or_clear(
            "intervention_group",
            when=speaking and cleaned.get("intervention_coordination") == Registration.Coordination.GROUP,
            message=_("Please name the group you will speak for."),
        )
        if protected_answers_given(cleaned) and not cleaned.get("diversity_consent"):
            self.add_error(
                "diversity_consent",
                _(
                    "Please tick this box to agree to how your gender, diversity and accessibility answers are "
                    "used, or leave those questions unanswered."
                ),
            )
        return cleaned

    def _require_or_clear(self, name, *, when, message):
        """A conditional field is required when it applies and dropped when it does not."""
        if not when:
            self.cleaned_data[name] = ""
        elif not self.cleaned_data.get(name) and name not in self.errors:
            self.add_error(name, message)

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
            summary.extend((target, field.label, error) for error in errors)
        return summary
