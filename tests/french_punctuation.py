"""Finds French punctuation without its no-break space in rendered text (pages and plain-text emails)."""

import html
import re

# The project's rule: U+00A0 before ":" and inside « », U+202F (narrow) before ";", "!" and "?".
NEEDS = {":": "\u00a0", ";": "\u202f", "!": "\u202f", "?": "\u202f"}
# Addresses and clock times carry colons and question marks that are not punctuation.
NOT_PROSE = re.compile(r"(?:https?://|mailto:)\S+|\b\d{1,2}:\d{2}\b|\S+@\S+")


def page_text(content: str) -> str:
    """What a reader sees of an HTML page: no scripts, styles or tags, entities decoded."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    # Inline elements sit inside a line of text; any other tag ends one.
    content = re.sub(r"</?(?:a|abbr|em|span|strong|time)\b[^>]*>", "", content)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def french_punctuation_faults(text: str) -> list[str]:
    """Each place where ":" ";" "!" "?" or « » lacks its no-break space, with a little context."""
    text = NOT_PROSE.sub(" ", text)
    faults = []
    for match in re.finditer(r"[:;!?]", text):
        before = text[match.start() - 1] if match.start() else "\n"
        if before != NEEDS[match.group()]:
            faults.append(text[max(0, match.start() - 30) : match.end() + 10])
    for match in re.finditer(r"«(?!\u00a0)|(?<!\u00a0)»", text):
        faults.append(text[max(0, match.start() - 30) : match.end() + 10])
    return faults
