"""Template tags other apps' pages use to show a meeting's documents: the public section, the certificate link."""

from django import template

from documents.represented import represented_get

register = template.Library()


@register.inclusion_tag("documents/includes/represented.html")
def represented_section(meeting):
    """The States and organisations represented, in the reader's language, once the team has published them."""
    return {"meeting": meeting, "represented": represented_get(meeting=meeting)}
