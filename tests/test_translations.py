"""The French, Spanish and Russian catalogues: complete, not fuzzy, and keeping every placeholder."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# %(name)s and {name} (Django's templates and Python code), and {placeholders} of reminder texts.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _catalogue(language):
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def _translations(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_translates_every_message(language):
    catalogue = _catalogue(language)

    untranslated = [entry.msgid for entry in catalogue if not all(_translations(entry))]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert len(catalogue) > 400, "the catalogue must hold the site's messages"
    assert (untranslated, fuzzy, bool(catalogue.metadata_is_fuzzy)) == ([], [], False)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_keeps_every_placeholder(language):
    catalogue = _catalogue(language)

    changed = []
    for entry in catalogue:
        if entry.msgid_plural:
            # A form for one may leave the number out ("There is a problem with your answer").
            required = set(_placeholders(entry.msgid)) & set(_placeholders(entry.msgid_plural))
            allowed = set(_placeholders(entry.msgid)) | set(_placeholders(entry.msgid_plural))
            for translation in _translations(entry):
                found = set(_placeholders(translation))
                if not required <= found <= allowed:
                    changed.append((entry.msgid, translation))
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            changed.append((entry.msgid, entry.msgstr))

    assert changed == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_formats_like_its_source(language):
    catalogue = _catalogue(language)

    broken = []
    for entry in catalogue:
        if "python-format" not in entry.flags:
            continue
        values = {name[2:-2]: 1 for name in _placeholders(entry.msgid_plural or entry.msgid) if name.startswith("%(")}
        for translation in _translations(entry):
            try:
                translation % values
            except (KeyError, ValueError, TypeError) as exc:
                broken.append((entry.msgid, translation, str(exc)))

    assert broken == []


def test_catalogue_plural_forms_are_the_languages_own():
    expected = {"fr": 2, "es": 3, "ru": 4}

    found = {language: _catalogue(language).metadata["Plural-Forms"] for language in expected}

    for language, count in expected.items():
        assert f"nplurals={count};" in found[language]
        assert all(len(entry.msgstr_plural) == count for entry in _catalogue(language) if entry.msgid_plural)
