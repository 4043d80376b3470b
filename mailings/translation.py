"""The message's texts per language (django-modeltranslation): each registrant reads it in their own."""

from modeltranslation.translator import TranslationOptions, register

from .models import Mailing


@register(Mailing)
class MailingTranslationOptions(TranslationOptions):
    fields = ("subject", "body")
    # English is the message's text; the others are optional, and English stands in for a missing one.
    required_languages = ("en",)
