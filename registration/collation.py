"""Sorting words as each site language's readers do, with ICU's collation for that language."""

from collections.abc import Callable
from functools import cache

import icu
from django.conf import settings
from django.utils.translation import get_language


def site_language(language: str | None = None) -> str:
    """One of the site's languages: `language` (the active one by default) without its region, else English."""
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else "en"


@cache
def collation_key(language: str) -> Callable[[str], bytes]:
    """A sort key that orders text as `language`'s dictionaries do.

    ICU's collation for the language (CLDR's rules): Cyrillic in the Russian alphabet's order, accents
    counted only between words that are otherwise equal ("Égypte, El Salvador, Émirats arabes unis"),
    Spanish "ñ" after "n". Python's own `sorted` compares code points, which files every accented
    capital after "Z" and orders Cyrillic by where Unicode happens to put the letters.
    """
    return icu.Collator.createInstance(icu.Locale(language)).getSortKey
