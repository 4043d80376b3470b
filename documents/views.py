"""Public pages of the meeting's documents: the full list of participants, a certificate and its verification."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agenda.selectors import meeting_get_published
from documents.certificate_pdf import certificate_pdf
from documents.certificates import CertificateRefused, certificate_issue, certificate_verify
from documents.models import ListOfParticipants
from documents.participants import list_of_participants_get, meeting_dates
from registration.collation import site_language
from registration.selectors import registration_get_by_token


@require_safe
def participants(request, slug):
    """The list with names, read live, so a withdrawn consent or an erasure leaves it at once; 404 unless published."""
    meeting = meeting_get_published(slug=slug)
    if not ListOfParticipants.objects.filter(
        meeting=meeting, published_at__isnull=False, names_published=True
    ).exists():
        raise Http404("The list of participants of this meeting is not published.")
    language = site_language(get_language())
    context = {
        "meeting": meeting,
        "dates": meeting_dates(meeting),
        "document": list_of_participants_get(meeting=meeting, language=language),
    }
    return render(request, "documents/participants.html", context)


@never_cache
@require_safe
def certificate_download(request, token):
    """The participant's certificate, from their manage link; 404 for a link or participant that has none."""
    registration = registration_get_by_token(token=token)
    if registration is None:
        raise Http404(_("This link is not valid. Please use the latest link from your email."))
    try:
        certificate = certificate_issue(registration=registration)
    except CertificateRefused:
        raise Http404(_("There is no certificate of participation for this registration.")) from None
    response = HttpResponse(certificate_pdf(certificate=certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{registration.meeting.slug}.pdf"'
    return response


@never_cache
@require_safe
def certificate_verification(request, slug):
    """Says only whether a code verifies a certificate of this meeting, and for whom; never why not."""
    meeting = meeting_get_published(slug=slug)
    code = request.GET.get("code", "")[:100]
    certificate = certificate_verify(meeting=meeting, code=code) if code else None
    context = {"meeting": meeting, "code": code, "asked": bool(code), "certificate": certificate}
    return render(request, "documents/verify.html", context)
