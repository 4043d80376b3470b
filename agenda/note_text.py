"""The concept note's small text markup: [words](link-key) links, [^1] footnote references and **bold**.

Organisers write and translate the note in the admin; the markup lets every language link the
same words to one address (filled once, on the link) without writing HTML, which is never trusted.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Literal tags, never built from a text, so safe as they stand.
STRONG_OPEN, STRONG_CLOSE = mark_safe("<strong>"), mark_safe("</strong>")
FOOTNOTE_REFERENCE = (
    '<sup><a href="#fn-{0}" id="fnref-{0}" class="footnote-ref" aria-describedby="footnotes-heading">{0}</a></sup>'
)
FOOTNOTE_REPEATED = '<sup><a href="#fn-{0}" aria-describedby="footnotes-heading">{0}</a></sup>'
TOKEN = re.compile(r"\[\^(?P<footnote>\d+)\]|\[(?P<label>[^\]\[]+)\]\((?P<key>[a-z0-9-]+)\)|(?P<bold>\*\*)")


@dataclass(frozen=True)
class References:
    """The link keys and footnote numbers a text names, and whether its bold marks pair up."""

    links: list[str]
    footnotes: list[int]
    bold_balanced: bool


def text_references(text: str) -> References:
    links, footnotes, bold = [], [], 0
    for match in TOKEN.finditer(text):
        if match["footnote"]:
            footnotes.append(int(match["footnote"]))
        elif match["key"]:
            links.append(match["key"])
        else:
            bold += 1
    return References(links=links, footnotes=footnotes, bold_balanced=bold % 2 == 0)


@dataclass
class Renderer:
    """Turns the note's texts into HTML for one page, so each footnote's first reference gets its anchor."""

    urls: dict[str, str]  # link key -> address; an empty address shows the words as plain text
    footnotes: set[int]  # the numbers that exist
    referenced: list[int] = field(default_factory=list)

    def html(self, text: str) -> SafeString:
        parts, bold, end = [], False, 0
        for match in TOKEN.finditer(text):
            parts.append(conditional_escape(text[end : match.start()]))
            end = match.end()
            if match["bold"]:
                parts.append(STRONG_CLOSE if bold else STRONG_OPEN)
                bold = not bold
            elif match["key"]:
                parts.append(self._link(match["label"], match["key"]))
            else:
                parts.append(self._footnote_reference(int(match["footnote"])))
        parts.append(conditional_escape(text[end:]))
        if bold:
            parts.append(STRONG_CLOSE)
        # Every part is escaped text or one of the tags above: joining escapes nothing twice.
        return format_html_join("", "{}", ((part,) for part in parts))

    def _link(self, label: str, key: str) -> str:
        url = self.urls.get(key)
        return format_html('<a href="{}">{}</a>', url, label) if url else conditional_escape(label)

    def _footnote_reference(self, number: int) -> str:
        if number not in self.footnotes:
            return ""
        if number in self.referenced:
            # One anchor per footnote: the back-link returns to the first place that cites it.
            return format_html(FOOTNOTE_REPEATED, number)
        self.referenced.append(number)
        return format_html(FOOTNOTE_REFERENCE, number)
