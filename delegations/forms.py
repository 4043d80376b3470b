"""The focal points' forms: asking for a sign-in link, nominating a member, uploading credentials."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agenda.models import Meeting
from delegations.models import Member


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class MemberForm(forms.Form):
    """One member as the focal point gives them: no personal question, which is the member's own to answer."""

    honorific = forms.CharField(
        label=pgettext_lazy("honorific", "Title"),
        max_length=30,
        required=False,
        help_text=_("For example H.E., Dr, Ms, Mx."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    job_title = forms.CharField(label=_("Position / job title"), max_length=200)
    email = forms.EmailField(
        label=_("Email"), max_length=254, help_text=_("The member's own address: their link is sent there.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices)
    listening_language = forms.ModelChoiceField(label=_("Listening language"), queryset=None, empty_label=None)
    language = forms.ChoiceField(
        label=_("Language of the member's emails"), choices=[(code, _(name)) for code, name in settings.LANGUAGES]
    )
    wishes_to_speak = forms.BooleanField(label=_("Will take the floor"), required=False)
    privacy_informed = forms.BooleanField(
        label=_("I have told this person that their name, title and email are kept as the privacy notice describes."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listening_language"].queryset = meeting.interpretation_languages.all()

    def member_data(self) -> dict:
        names = ("honorific", "first_name", "last_name", "job_title", "email", "listening_language", "wishes_to_speak")
        return {name: self.cleaned_data[name] for name in names}


class CredentialsForm(forms.Form):
    file = forms.FileField(
        label=_("Note verbale or letter of nomination (PDF, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
