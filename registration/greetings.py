"""How an email greets its reader in each language: formally, as a UN secretariat writes to a delegate.

Not catalogue messages: the languages differ in what they take from the registration (French names
no one, Spanish and Russian take the surname only after a title), which one msgid with placeholders
cannot express. Whether to write "Madame" or "Monsieur" is read from the title the registrant typed,
never from the protected gender answer; a title that does not say (Dr, H.E.) gets the neutral form.
"""

import re

from django.utils import translation

from registration.models import Registration
from registration.typed_text import link_like

# Titles as people type them in the four languages, without dots and in lower case.
WOMEN_TITLES = frozenset(
    {"ms", "mrs", "miss", "mme", "mmes", "madame", "mlle", "sra", "srta", "señora", "excma", "dra", "г-жа", "госпожа"}
)
MEN_TITLES = frozenset({"mr", "m", "monsieur", "sr", "señor", "excmo", "г-н", "господин"})


def title_gender(honorific: str) -> str:
    """ "woman", "man", or "" when the title does not say (or says both)."""
    words = set(re.split(r"[\s/.,]+", honorific.lower())) - {""}
    woman, man = bool(words & WOMEN_TITLES), bool(words & MEN_TITLES)
    if woman == man:
        return ""
    return "woman" if woman else "man"


def _english(registration: Registration, gender: str) -> str:
    if registration.honorific:
        return f"Dear {registration.honorific} {registration.last_name},"
    return f"Dear {registration.first_name} {registration.last_name},"


def _french(registration: Registration, gender: str) -> str:
    # French letters address the reader by "Madame" or "Monsieur" alone, never by name.
    return {"woman": "Madame,", "man": "Monsieur,"}.get(gender, "Madame, Monsieur,")


def _spanish(registration: Registration, gender: str) -> str:
    if gender == "woman":
        return f"Estimada Sra. {registration.last_name}:"
    if gender == "man":
        return f"Estimado Sr. {registration.last_name}:"
    return f"Estimado/a {registration.first_name} {registration.last_name}:"


def _russian(registration: Registration, gender: str) -> str:
    # "г-жа" and "г-н" are abbreviations for running text; a salutation writes the word out.
    if gender == "woman":
        return f"Уважаемая госпожа {registration.last_name}!"
    if gender == "man":
        return f"Уважаемый господин {registration.last_name}!"
    return f"Здравствуйте, {registration.first_name} {registration.last_name}!"


GREETINGS = {"en": _english, "fr": _french, "es": _spanish, "ru": _russian}
# When a typed name holds something link-like, the greeting names no one: the form can be posted with
# anyone's address, so typed text must not carry a lure from our domain (issue 19, point 4).
NAMELESS = {"en": "Hello,", "fr": "Madame, Monsieur,", "es": "Estimado/a participante:", "ru": "Здравствуйте!"}


def greeting(*, registration: Registration) -> str:
    """The email's opening line to `registration`, in the active language."""
    language = (translation.get_language() or "en").split("-")[0]
    if any(link_like(part) for part in (registration.honorific, registration.first_name, registration.last_name)):
        return NAMELESS.get(language, NAMELESS["en"])
    write = GREETINGS.get(language, _english)
    return write(registration, title_gender(registration.honorific))
