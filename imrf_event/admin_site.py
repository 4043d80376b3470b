"""The organisers' admin site: the password login, then two-factor sign-in (imrf_event/two_factor.py)."""

from functools import update_wrapper

import django_otp
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from agenda.team_autocomplete import TeamAutocompleteJsonView

from .admin_query import admin_query_check
from .two_factor import (
    ENROLMENT_KEY_SESSION,
    EnrolmentForm,
    OrganiserLoginForm,
    totp_device_create,
    totp_device_get,
    totp_enrolment_details,
    totp_enrolment_key,
    two_factor_passed,
)


class OrganiserAdminSite(admin.AdminSite):
    """Django's admin site, open to staff only once two-factor sign-in is satisfied."""

    login_form = OrganiserLoginForm
    login_template = "admin/two_factor/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and two_factor_passed(user=request.user)

    def each_context(self, request):
        context = super().each_context(request)
        # In optional mode, an organiser without a device is offered enrolment on every admin page.
        context["two_factor_enrol_url"] = (
            reverse("admin:two_factor_enrol", current_app=self.name)
            if context["has_permission"] and totp_device_get(user=request.user) is None
            else None
        )
        return context

    def admin_view(self, view, cacheable=False):
        # Every admin page, Django's and ours, answers 400 to a query no database can take (issue 19, Low 11).
        wrapped = super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            admin_query_check(request.GET)
            return wrapped(request, *args, **kwargs)

        return update_wrapper(checked, wrapped)

    def autocomplete_view(self, request):
        return TeamAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [
            # Django's admin logout asks for full permission; someone half-way through signing in
            # (password given, no device yet) must be able to log out too.
            path("logout/", never_cache(self.logout), name="logout"),
            path("two-factor/", never_cache(self.two_factor_enrol), name="two_factor_enrol"),
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not two_factor_passed(user=user):
            if totp_device_get(user=user) is None:
                if request.method == "POST":
                    # Signing in again, perhaps as someone else: the login form decides.
                    return super().login(request, extra_context)
                return redirect(self._with_next(request, reverse("admin:two_factor_enrol", current_app=self.name)))
            # Signed in without a code (before ADMIN_2FA was required, or before enrolling elsewhere):
            # start again with password and code.
            auth_logout(request)
        return super().login(request, extra_context)

    def two_factor_enrol(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect(self._with_next(request, reverse("admin:login", current_app=self.name)))
        if totp_device_get(user=user) is not None:
            return redirect(reverse("admin:index", current_app=self.name))
        key = totp_enrolment_key(session=request.session)
        form = EnrolmentForm(request.POST or None)
        if form.is_valid():
            device = totp_device_create(user=user, key=key, token=form.cleaned_data["otp_token"])
            if device is not None:
                del request.session[ENROLMENT_KEY_SESSION]
                # A new privilege, a new session key: a session id seen before this point is worth nothing.
                request.session.cycle_key()
                django_otp.login(request, device)
                messages.success(request, _("Two-factor sign-in is on. From now on, enter a code after your password."))
                return redirect(self._next(request))
            form.add_error(
                "otp_token", _("This code does not match. Check the key you entered, then try the newest code.")
            )
        request.current_app = self.name
        context = {
            **self.each_context(request),
            "title": _("Set up two-factor sign-in"),
            "form": form,
            "next": self._next(request),
            **totp_enrolment_details(user=user, key=key),
        }
        return TemplateResponse(request, "admin/two_factor/enrol.html", context)

    def _next(self, request) -> str:
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    def _with_next(self, request, url: str) -> str:
        return f"{url}?{urlencode({REDIRECT_FIELD_NAME: self._next(request)})}"
