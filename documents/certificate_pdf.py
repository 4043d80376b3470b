"""A certificate of participation as a one-page PDF in the participant's language, written with fpdf2.

The font is DejaVu Serif, kept in documents/fonts/ (its licence beside it): it covers Latin with every accent
and Cyrillic, and bundling it makes the PDF the same on every machine, with nothing to install.
"""

import logging
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from documents.certificates import CertificateRefused, certificate_issue
from documents.models import Certificate
from documents.participants import meeting_dates
from registration.collation import site_language

FONTS = Path(__file__).resolve().parent / "fonts"
# fontTools logs every glyph of every subset at INFO: a few hundred lines per certificate in the JSON logs.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
# Control characters draw nothing and some PDF readers stop at them; a typed name never needs one.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return CONTROL.sub("", " ".join(str(text).split()))


def certificate_verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("documents:verify", args=[certificate.registration.meeting.slug])


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate of `certificate`'s registration, in its language: name, meeting, date, organisers, code."""
    registration = certificate.registration
    meeting = registration.meeting
    language = site_language(registration.email_language)
    with translation.override(language):
        pdf = FPDF(orientation="landscape", format="A4")
        pdf.set_title(_("Certificate of participation"))
        pdf.set_lang(language)
        # One page whatever is typed: text that would not fit is shrunk, never carried to a second page.
        pdf.set_auto_page_break(auto=False)
        pdf.add_font("DejaVuSerif", "", FONTS / "DejaVuSerif.ttf")
        pdf.add_font("DejaVuSerif", "B", FONTS / "DejaVuSerif-Bold.ttf")
        pdf.add_page()
        pdf.set_draw_color(0, 84, 147)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        width = pdf.w - 50
        pdf.set_xy(25, 30)

        def line(text, size, style="", space=4, max_lines=2):
            pdf.set_font("DejaVuSerif", style, size)
            text = _clean(text)
            # Shrink long texts (a long title, a name typed at length) so each keeps to its lines.
            while size > 8 and len(pdf.multi_cell(width, size * 0.5, text, dry_run=True, output="LINES")) > max_lines:
                size -= 1
                pdf.set_font("DejaVuSerif", style, size)
            pdf.set_x(25)
            pdf.multi_cell(width, size * 0.5, text, align="C")
            pdf.ln(space)

        line(_("Certificate of participation"), 28, "B", space=10)
        line(_("This is to certify that"), 14)
        line(registration.full_name, 24, "B", space=6)
        line(_("participated in"), 14)
        line(meeting.title, 18, "B", max_lines=3)
        line(meeting_dates(meeting), 14, space=8)
        if meeting.organisers:
            line(meeting.organisers, 11, max_lines=4, space=10)
        pdf.set_y(pdf.h - 38)
        line(_("Verification code: %(code)s") % {"code": certificate.code}, 11, "B", space=1)
        line(_("Check it at %(url)s") % {"url": certificate_verify_url(certificate)}, 9, space=0)
    return bytes(pdf.output())


def certificate_attachment(email) -> tuple[str, bytes, str] | None:
    """The reader's certificate as a PDF for an email carrying it (a follow-up message), or None if they have none."""
    try:
        certificate = certificate_issue(registration=email.registration)
    except CertificateRefused:
        return None
    name = f"certificate-{email.registration.meeting.slug}.pdf"
    return name, certificate_pdf(certificate=certificate), "application/pdf"
