"""The focal points' pages: signing in by one-time link, their delegations, nominating members, credentials."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from delegations import credentials, selectors, services, signing_in
from delegations.forms import CredentialsForm, MemberForm, SignInForm
from registration.throttle import client_address, throttle_hit


def focal_point_required(view):
    """Let through only a signed-in focal point, with `request.focal_points` set; others go to the sign-in page."""

    @wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        focal_points = signing_in.focal_points_signed_in(session=request.session, now=timezone.now())
        if not focal_points:
            return redirect("delegations:sign_in")
        request.focal_points = focal_points
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        limit = settings.FOCAL_POINT_SIGN_IN_REQUESTS_PER_MINUTE
        email = form.cleaned_data["email"].casefold()
        if throttle_hit(scope="focal-point-sign-in", key=address, limit=limit) or throttle_hit(
            scope="focal-point-sign-in-email", key=email, limit=limit
        ):
            form.add_error(None, _("Too many requests in a short time. Please wait a minute."))
            return render(request, "delegations/sign_in.html", {"form": form}, status=429)
        signing_in.sign_in_link_request(email=email, now=timezone.now())
        # The same answer whether or not the address is a focal point's.
        return render(request, "delegations/sign_in_sent.html")
    return render(request, "delegations/sign_in.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token):
    # The link is spent by a button, not by opening it: mail scanners open links, people press buttons.
    if request.method == "GET":
        return render(request, "delegations/sign_in_confirm.html")
    ids = signing_in.sign_in_link_use(token=token, now=timezone.now())
    if not ids:
        return render(request, "delegations/sign_in_expired.html", status=403)
    signing_in.focal_point_session_start(session=request.session, focal_point_ids=ids, now=timezone.now())
    return redirect("delegations:home")


@require_POST
def sign_out(request):
    signing_in.focal_point_session_end(session=request.session)
    return redirect("delegations:sign_in")


@focal_point_required
def home(request):
    entities = sorted({focal_point.entity for focal_point in request.focal_points}, key=lambda entity: entity.pk)
    delegations = {
        (d.meeting_id, d.entity_id): d
        for d in selectors.delegations_for_focal_points(focal_points=request.focal_points)
    }
    rows = [
        (entity, meeting, delegations.get((meeting.pk, entity.pk)))
        for entity in entities
        for meeting in selectors.meetings_open_for_nominations()
    ]
    return render(request, "delegations/home.html", {"rows": rows})


@focal_point_required
@require_POST
def delegation_start(request, entity_id, meeting_id):
    entity = next((fp.entity for fp in request.focal_points if fp.entity_id == entity_id), None)
    meeting = selectors.meetings_open_for_nominations().filter(pk=meeting_id).first()
    if entity is None or meeting is None:
        raise Http404("No such delegation to start.")
    delegation = services.delegation_open(meeting=meeting, entity=entity)
    return redirect("delegations:delegation", delegation_id=delegation.pk)


def _delegation_page(request, delegation, *, member_form=None, credentials_form=None, status=200):
    context = {
        "delegation": delegation,
        "entity_name": delegation.entity.display_name(get_language()),
        "members": selectors.delegation_members(delegation=delegation),
        "is_open": delegation.is_open(),
        "member_form": member_form or MemberForm(meeting=delegation.meeting, initial={"language": get_language()}),
        "credentials_form": credentials_form or CredentialsForm(),
    }
    return render(request, "delegations/delegation.html", context, status=status)


@focal_point_required
@require_http_methods(["GET", "POST"])
def delegation(request, delegation_id):
    delegation = selectors.delegation_get_for_focal_points(
        focal_points=request.focal_points, delegation_id=delegation_id
    )
    if request.method == "GET":
        return _delegation_page(request, delegation)
    form = MemberForm(request.POST, meeting=delegation.meeting)
    if not form.is_valid():
        return _delegation_page(request, delegation, member_form=form, status=400)
    try:
        nomination = services.member_nominate(
            delegation=delegation,
            data=form.member_data(),
            role=form.cleaned_data["role"],
            language=form.cleaned_data["language"],
            now=timezone.now(),
        )
    except services.NominationsClosed as closed:
        messages.error(request, closed.args[0])
        return redirect("delegations:delegation", delegation_id=delegation.pk)
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _delegation_page(request, delegation, member_form=form, status=400)
    name = nomination.member.registration.full_name
    if nomination.waiting:
        messages.warning(
            request, _("Every place is taken: %(name)s is on the waiting list, in order of arrival.") % {"name": name}
        )
    else:
        messages.success(request, _("%(name)s is nominated.") % {"name": name})
    return redirect("delegations:delegation", delegation_id=delegation.pk)


@focal_point_required
@require_POST
def member_withdraw(request, delegation_id, member_id):
    delegation = selectors.delegation_get_for_focal_points(
        focal_points=request.focal_points, delegation_id=delegation_id
    )
    member = selectors.member_get(delegation=delegation, member_id=member_id)
    try:
        services.member_withdraw(member=member, now=timezone.now())
    except services.NominationsClosed as closed:
        messages.error(request, closed.args[0])
    else:
        messages.success(request, _("%(name)s is withdrawn.") % {"name": member.registration.full_name})
    return redirect("delegations:delegation", delegation_id=delegation.pk)


@focal_point_required
@require_POST
def credentials_upload(request, delegation_id):
    delegation = selectors.delegation_get_for_focal_points(
        focal_points=request.focal_points, delegation_id=delegation_id
    )
    form = CredentialsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            credentials.credentials_store(delegation=delegation, upload=form.cleaned_data["file"], now=timezone.now())
        except ValidationError as error:
            form.add_error("file", error)
    if not form.is_valid():
        return _delegation_page(request, delegation, credentials_form=form, status=400)
    messages.success(request, _("The credentials are uploaded. The secretariat will verify them."))
    return redirect("delegations:delegation", delegation_id=delegation.pk)
