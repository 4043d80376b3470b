"""Builds the compiled translation catalogues (.mo) from the .po files, without GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings


def catalogues_sources(*, locale_paths: list[Path] | None = None) -> list[Path]:
    """Every .po catalogue under the project's locale folders."""
    paths = settings.LOCALE_PATHS if locale_paths is None else locale_paths
    return sorted(po for path in paths for po in Path(path).glob("*/LC_MESSAGES/*.po"))


def catalogues_compile(*, locale_paths: list[Path] | None = None, force: bool = False) -> list[Path]:
    """Write each .po as its .mo where the .mo is missing or older; return the .mo files written.

    Fuzzy and untranslated messages are left out, as msgfmt does, so they show in English.
    """
    written = []
    for po_path in catalogues_sources(locale_paths=locale_paths):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written
