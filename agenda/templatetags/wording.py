"""Template tags that word dates and labels as each language writes them (French "1er", "Quand : …")."""

import re

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import pgettext

from agenda.dates import date_range_pattern, date_words

register = template.Library()


def _html_pattern(pattern: str) -> str:
    """A translated "%(name)s" pattern as a format_html one, so each part is escaped unless already safe."""
    return re.sub(r"%\((\w+)\)s", r"{\1}", pattern.replace("{", "{{").replace("}", "}}"))


@register.filter(expects_localtime=True)
def words(value, fmt):
    """Like Django's `date` filter, with the French "1er": {{ day|words:_("j F Y") }}."""
    if value in (None, ""):
        return ""
    return date_words(value, fmt)


@register.simple_tag(takes_context=True)
def date_range(context, start, end, capital=False):
    """Two dates as one range in the active language, each in its own <time> element."""
    pattern, first, last = date_range_pattern(start, end)
    if capital:
        # A range that starts a line ("Du 10 au 13 mai 2022").
        pattern = pattern[:1].upper() + pattern[1:]
    if not context.autoescape:
        return pattern % {"start": first, "end": last}
    parts = {
        "start": format_html('<time datetime="{}">{}</time>', date_filter(start, "Y-m-d"), first),
        "end": format_html('<time datetime="{}">{}</time>', date_filter(end, "Y-m-d"), last),
    }
    return format_html(_html_pattern(pattern), **parts)


class LabelledNode(template.Node):
    def __init__(self, label, nodelist):
        self.label = label
        self.nodelist = nodelist

    def render(self, context):
        label = self.label.resolve(context)
        value = self.nodelist.render(context)
        # One message for label and value, so each language puts its own space before the colon.
        pattern = pgettext("a label and its value", "%(label)s: %(value)s")
        if not context.autoescape:
            return pattern % {"label": label, "value": value.strip()}
        # The value was rendered, so escaped, by the template already (a safe string).
        return format_html(_html_pattern(pattern), label=label, value=value)


@register.tag
def labelled(parser, token):
    """{% labelled _("When") %}{{ when }}{% endlabelled %}: "When: …", "Quand : …"."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("labelled takes one argument, the label.")
    label = parser.compile_filter(bits[1])
    nodelist = parser.parse(("endlabelled",))
    parser.delete_first_token()
    return LabelledNode(label, nodelist)
