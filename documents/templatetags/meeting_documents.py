"""Template tags other apps' pages use to show a meeting's documents: the public section, the certificate link."""

from django import template

from documents.certificates import certificate_eligible
from documents.represented import represented_get

register = template.Library()


@register.inclusion_tag("documents/includes/represented.html")
def represented_section(meeting):
    """The States and organisations represented, in the reader's language, once the team has published them."""
    return {"meeting": meeting, "represented": represented_get(meeting=meeting)}


@register.inclusion_tag("documents/includes/certificate_offer.html")
def certificate_offer(registration):
    """The download link on the participant's manage page, once the team has released certificates they qualify for."""
    return {"registration": registration, "eligible": certificate_eligible(registration=registration)}
