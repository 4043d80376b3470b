"""Registration pages: the form, the thank-you page, the manage link, erasure and the privacy notice."""

import functools
import secrets

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agenda.cache import Built, cached, request_without_query
from agenda.selectors import meeting_get_legacy, meeting_get_published
from registration import email_change, services, waiting_list
from registration.forms import RegistrationForm
from registration.mail import limits as mail_limits
from registration.models import FloorDecision, OutgoingEmail, Registration
from registration.online.floor import floor_place
from registration.online.joining import joining_for
from registration.selectors import registration_erased_by_token, registration_get_by_token
from registration.thanks import thanks_cookie_set, thanks_read
from registration.throttle import client_address, throttle_hit

CHANGEABLE = (Registration.Status.ACTIVE, Registration.Status.PENDING)


@require_http_methods(["GET", "POST"])
def register(request, slug):
    if request.method == "GET":
        return _register_page(request, slug)
    meeting = meeting_get_published(slug=slug)
    # What answers a POST may show the values typed: no browser or proxy may keep it.
    try:
        response = _register_post(request, meeting)
    except services.RegistrationClosed:
        response = render(request, "registration/closed.html", {"meeting": meeting}, status=403)
    add_never_cache_headers(response)
    return response


def _register_page(request, slug):
    # The empty form is the same for everyone until the agenda data changes, and rendering it (250
    # countries among its fields) is most of the page's cost: the whole page is kept per meeting and
    # language, rendered with a random slot where the CSRF token goes, and each visitor's own token is
    # put in the slot. A hit reads no database. The page reads no query parameter: whatever query
    # comes, the cached page is served, rendered as if there were none (agenda.cache.request_without_query).
    seen = []
    plain = request_without_query(request)

    def build() -> Built:
        meeting = meeting_get_published(slug=slug)
        seen.append(meeting)
        # Which page to show; a POST after the deadline is refused by the service.
        if not meeting.is_registration_open():
            return Built(None)
        slot = secrets.token_hex(16)
        context = {
            "meeting": meeting,
            "form_html": render_crispy_form(RegistrationForm(meeting=meeting)),
            "csrf_token": slot,
        }
        content = render_to_string("registration/register.html", context, plain)
        return Built({"content": content, "slot": slot}, meeting.registration_closes_at)

    key = f"register-page:{get_language()}:{slug}"
    page = cached(key, build=build)
    if page is None:
        return render(request, "registration/closed.html", {"meeting": seen[0]})
    # get_token also has CsrfViewMiddleware set the cookie (and Vary: Cookie) on this response.
    return HttpResponse(page["content"].replace(page["slot"], get_token(request)))


def _register_post(request, meeting):
    # After the deadline nothing posted is read: the same refusal whatever the form holds.
    services.registration_open_ensure(meeting=meeting)
    form = RegistrationForm(request.POST, meeting=meeting)
    # Counted per client across every meeting: per meeting, a client could post the limit once for each
    # meeting (issue 19, point 4), and a participant registers for one meeting at a time anyway.
    limited = throttle_hit(scope="register", key=client_address(request), limit=settings.REGISTRATION_POSTS_PER_MINUTE)
    if limited:
        form.is_valid()
        form.add_error(None, _("Too many registrations from your network in a short time. Please wait a minute."))
        return render(request, "registration/register.html", {"meeting": meeting, "form": form}, status=429)
    if form.is_valid():
        data = form.registration_data()
        services.registration_create(meeting=meeting, data=data, language=get_language() or "en")
        response = redirect("registration:thanks", slug=meeting.slug)
        # The thank-you page learns what was typed from a short-lived signed cookie rather than the
        # session, so registering never writes a session row (and never needs one): see `thanks`.
        thanks_cookie_set(response, meeting=meeting, data=data)
        return response
    return render(request, "registration/register.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def legacy_register(request):
    """The form's address before there were several meetings: its meeting's form.

    A POST comes from a form page opened before the change: it is registered for that meeting,
    not redirected, so nothing typed is lost.
    """
    meeting = meeting_get_legacy()
    if request.method == "POST":
        return register(request, slug=meeting.slug)
    return redirect("registration:register", slug=meeting.slug)


@never_cache
def thanks(request, slug):
    meeting = meeting_get_published(slug=slug)
    context = thanks_read(request, meeting=meeting)
    if context is None:
        return redirect("registration:register", slug=meeting.slug)
    # The same page for a new and an already registered address: it repeats what was typed, never what is stored.
    return render(request, "registration/thanks.html", {"meeting": meeting, **context})


class _LinkOfErasedRegistration(Exception):
    """The token was an erased registration's manage link."""


def _registration_for_token(token):
    registration = registration_get_by_token(token=token)
    if registration is None:
        if registration_erased_by_token(token=token):
            raise _LinkOfErasedRegistration
        raise Http404(_("This link is not valid. Please use the latest link from your email."))
    return registration


def _erased_link_answered(view):
    """The view, except that the link of an erased registration says so (410) rather than "not valid" (walk F1.17).

    Only that registration's own last link is recognised (by its fingerprint): any other token, guessed
    or superseded, gets the page of every unknown address, and the page names nothing of the registration.
    """

    @functools.wraps(view)
    def answered(request, token, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except _LinkOfErasedRegistration:
            return render(request, "registration/erased_link.html", status=410)

    return answered


def _use_registration_language(request, registration):
    """Pages reached from an email open in the email's language, unless the visitor chose one in the switcher."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or registration.language not in dict(settings.LANGUAGES):
        return
    translation.activate(registration.language)
    request.LANGUAGE_CODE = registration.language


def _registration_from_link(request, token):
    """The registration a manage link names, its page in the email's language (see `_use_registration_language`)."""
    registration = _registration_for_token(token)
    _use_registration_language(request, registration)
    return registration


@never_cache
@_erased_link_answered
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = _registration_from_link(request, token)
    if request.method == "POST":
        # A declined registration is the organisers' decision: shown, neither changed nor cancelled here.
        if registration.status not in CHANGEABLE:
            return _manage_page(request, registration, form=None, status=403)
        try:
            return _manage_post(request, registration)
        except services.RegistrationClosed:
            return _manage_page(request, _registration_for_token(token), form=None, status=403)
    # Whether to offer the form at all; the service is what refuses a change posted after the deadline.
    form = None
    if registration.status in CHANGEABLE and registration.meeting.is_registration_open():
        form = RegistrationForm(instance=registration, meeting=registration.meeting, submit_label=_("Save changes"))
    return _manage_page(request, registration, form=form)


def _manage_page(request, registration, *, form, status=200):
    context = {
        "meeting": registration.meeting,
        "registration": registration,
        "form": form,
        "can_change": bool(form),
        # Only an active registration, and only from the set time (`joining_for`).
        "joining": joining_for(registration=registration, at=timezone.now()),
        "place_offer": registration.place_offers.filter(closed_at__isnull=True, expires_at__gt=timezone.now()).first(),
        **_floor_context(registration),
    }
    return render(request, "registration/manage.html", context, status=status)


def _floor_context(registration):
    """The organisers' answer to a request to take the floor, and the speaker's place, as the email told it."""
    if not registration.wishes_to_speak:
        return {}
    decision = FloorDecision.objects.filter(registration=registration).first()
    accepted = decision is not None and decision.decision == FloorDecision.Decision.ACCEPTED
    return {"floor_decision": decision, "floor_place": floor_place(registration=registration) if accepted else None}


def _manage_post(request, registration):
    token = registration.manage_token
    # After the deadline nothing posted is read: the same refusal whatever the form holds.
    services.registration_open_ensure(meeting=registration.meeting)
    form = RegistrationForm(
        request.POST, instance=registration, meeting=registration.meeting, submit_label=_("Save changes")
    )
    if not form.is_valid():
        # Show the stored registration beside the form, not the rejected values.
        return _manage_page(request, _registration_for_token(token), form=form)
    data = form.registration_data()
    # Emails follow the language the participant now reads the site in.
    data["language"] = get_language()
    # The form wrote the values onto the instance; the service compares against the stored row.
    registration.refresh_from_db()
    try:
        result = services.registration_update(registration=registration, data=data)
    except mail_limits.EmailLimitReached:
        form.add_error(
            "email",
            _(
                "Many emails about this registration were sent in the last hour, so the address cannot be "
                "changed now. Please try again in an hour; nothing else was changed either."
            ),
        )
        return _manage_page(request, _registration_for_token(token), form=form, status=429)
    _tell_what_was_saved(request, result)
    return redirect("registration:manage", token=token)


def _tell_what_was_saved(request, result: services.RegistrationUpdate):
    if result.changed and result.summary_sent:
        messages.success(request, _("Your changes are saved. We have emailed you a summary."))
    elif result.changed:
        messages.success(
            request,
            _(
                "Your changes are saved. Many emails about this registration were sent in the last hour, "
                "so no further email will be sent for now."
            ),
        )
    if result.email_change:
        # The same words whether or not the new address is registered already: this page must not tell.
        messages.info(
            request,
            _(
                "We have sent a link to the new email address. Your registration keeps its current address "
                "until the link is used; we have told the current address too."
            ),
        )
    if not result.changed and not result.email_change:
        messages.info(request, _("You made no changes."))


@never_cache
@_erased_link_answered
@require_POST
def take_place(request, token):
    registration = _registration_from_link(request, token)
    if waiting_list.place_offer_take(registration=registration, now=timezone.now()):
        messages.success(request, _("You have taken up the place."))
    else:
        messages.error(request, _("This place is no longer offered to you."))
    return redirect("registration:manage", token=token)


@never_cache
@_erased_link_answered
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    registration = _registration_from_link(request, token)
    if request.method == "POST":
        try:
            registration = services.registration_cancel(registration=registration)
        except services.RegistrationDeclined as refusal:
            messages.error(request, refusal.args[0])
            return redirect("registration:manage", token=token)
        emailed = registration.emails.filter(
            kind=OutgoingEmail.Kind.CANCELLATION, created_at__gte=registration.cancelled_at
        ).exists()
        if emailed:
            messages.success(request, _("Your registration is cancelled. We have emailed you a confirmation."))
        else:
            messages.success(
                request,
                _(
                    "Your registration is cancelled. Many emails about this registration were sent in the last "
                    "hour, so no confirmation was emailed this time."
                ),
            )
        return redirect("registration:manage", token=token)
    return render(request, "registration/cancel.html", {"meeting": registration.meeting, "registration": registration})


@never_cache
@_erased_link_answered
@require_POST
def restore(request, token):
    registration = _registration_from_link(request, token)
    try:
        registration = services.registration_restore(registration=registration)
    except services.RegistrationClosed:
        messages.error(request, _("Registration is closed, so a cancelled registration can no longer be restored."))
        return redirect("registration:manage", token=token)
    if registration.status in CHANGEABLE:
        emailed = registration.emails.filter(
            kind=OutgoingEmail.Kind.CONFIRMATION, created_at__gte=registration.updated_at
        ).exists()
        if emailed:
            messages.success(request, _("Your registration is active again. We have emailed you a confirmation."))
        else:
            messages.success(
                request,
                _(
                    "Your registration is active again. Many emails about this registration were sent in the last "
                    "hour, so no confirmation was emailed this time."
                ),
            )
    return redirect("registration:manage", token=token)


@never_cache
@_erased_link_answered
@require_http_methods(["GET", "POST"])
def erase(request, token):
    registration = _registration_from_link(request, token)
    if request.method == "POST":
        services.registration_erase(registration=registration)
        return redirect("registration:erased", slug=registration.meeting.slug)
    return render(request, "registration/erase.html", {"meeting": registration.meeting, "registration": registration})


@never_cache
def erased(request, slug):
    return render(request, "registration/erased.html", {"meeting": meeting_get_published(slug=slug)})


def privacy(request, slug):
    meeting = meeting_get_published(slug=slug)
    context = {
        "meeting": meeting,
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
        "cancelled_retention_days": settings.CANCELLED_DATA_RETENTION_DAYS,
    }
    return render(request, "registration/privacy.html", context)


def _email_change_or_404(request, token, *, refusing=False):
    change = email_change.email_change_for_token(token=token, refusing=refusing)
    if change is None or change.registration.anonymised_at:
        raise Http404(_("This link is not valid. Please use the latest link from your email."))
    _use_registration_language(request, change.registration)
    return change


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token):
    """Seen only from the new mailbox: a button, since mail scanners follow links and must not confirm."""
    change = _email_change_or_404(request, token)
    outcome = email_change.email_change_status(change=change)
    if request.method == "POST" and outcome is None:
        outcome = email_change.email_change_confirm(change=change)
        # The registration has a new manage link now: the button below opens that one.
        change.registration.refresh_from_db(fields=["manage_token"])
    context = {"meeting": change.registration.meeting, "change": change, "confirming": True, "outcome": outcome}
    return render(request, "registration/email_change.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_refuse(request, token):
    """Seen from the current address: refuse a change asked for with the manage link."""
    change = _email_change_or_404(request, token, refusing=True)
    outcome = email_change.email_change_refusal_settled(change=change)
    if request.method == "POST" and outcome is None:
        outcome = email_change.email_change_refuse(change=change)
    context = {"meeting": change.registration.meeting, "change": change, "confirming": False, "outcome": outcome}
    return render(request, "registration/email_change.html", context)
