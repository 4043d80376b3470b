"""The secretariat's side: focal points named per State or organisation, caps, and each delegation's review."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agenda.admin_scope import MeetingScopedAdminMixin
from agenda.selectors import meeting_for_user_chosen
from delegations import credentials, review, selectors, services
from delegations.models import Delegation, Entity, FocalPoint, Member, MemberCap
from registration.models import Registration


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 1
    fields = ("name", "email", "language", "is_active", "invited_at")
    readonly_fields = ("invited_at",)


class EntityAdminForm(forms.ModelForm):
    """The State's or organisation's entry, each mistake named beside its field rather than as a broken constraint."""

    class Meta:
        model = Entity
        fields = ("kind", "country", "name", "category")

    def clean(self):
        cleaned = super().clean()
        kind, name, country = cleaned.get("kind"), (cleaned.get("name") or "").strip(), cleaned.get("country")
        others = Entity.objects.exclude(pk=self.instance.pk)
        if kind == Entity.Kind.MEMBER_STATE:
            # A State's category is its government's; its name is the country's UN name.
            cleaned["name"], cleaned["category"] = "", Registration.Category.MEMBER_STATE
            if country and others.filter(kind=kind, country=country).exists():
                self.add_error("country", _("This Member State is already on the list: add its focal points there."))
        elif kind == Entity.Kind.ORGANISATION:
            if not name:
                self.add_error("name", _("Give the organisation's name."))
            elif others.filter(kind=kind, name__iexact=name).exists():
                self.add_error("name", _("This organisation is already on the list: add its focal points there."))
            if cleaned.get("category") == Registration.Category.MEMBER_STATE:
                self.add_error("category", _("Choose the organisation's own category, not a government's."))
        return cleaned


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityAdminForm
    fields = ("kind", "country", "name", "category")
    list_display = ("__str__", "kind", "country", "category")
    list_filter = ("kind", "category")
    search_fields = ("name", "country", "focal_points__email", "focal_points__name")
    inlines = (FocalPointInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is not FocalPoint:
            return super().save_formset(request, form, formset, change)
        focal_points = formset.save(commit=False)
        for focal_point in formset.deleted_objects:
            focal_point.delete()
        for focal_point in focal_points:
            if focal_point.pk is None:
                # Named through the service, which emails the invitation.
                services.focal_point_name(
                    entity=form.instance, name=focal_point.name, email=focal_point.email, language=focal_point.language
                )
            else:
                services.focal_point_change(focal_point=focal_point)
        formset.save_m2m()


@admin.register(MemberCap)
class MemberCapAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    list_display = ("meeting", "category", "max_members")
    list_filter = ("meeting",)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    can_delete = False
    fields = ("name", "email", "role", "registration_status", "confirmed_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def name(self, member):
        return member.registration.full_name

    @admin.display(description=_("email"))
    def email(self, member):
        return member.registration.email

    @admin.display(description=_("registration"))
    def registration_status(self, member):
        return member.registration.get_status_display()


@admin.register(Delegation)
class DelegationAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    list_display = ("entity", "meeting", "status", "member_count", "credentials_uploaded_at", "credentials_verified_at")
    list_filter = ("meeting", "status")
    search_fields = ("entity__name", "entity__country")
    fields = (
        "meeting",
        "entity",
        "status",
        "deadline",
        "credentials",
        "credentials_uploaded_at",
        "credentials_verified_at",
        "confirmed_at",
        "printable",
    )
    readonly_fields = (
        "meeting",
        "entity",
        "status",
        "credentials",
        "credentials_uploaded_at",
        "credentials_verified_at",
        "confirmed_at",
        "printable",
    )
    inlines = (MemberInline,)
    actions = ("verify_credentials", "confirm")

    def has_add_permission(self, request):
        # A delegation is opened by its focal point.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity", "meeting")

    @admin.display(description=_("members"))
    def member_count(self, delegation):
        return delegation.members.filter(withdrawn_at=None).count()

    @admin.display(description=_("credentials"))
    def credentials(self, delegation):
        if not delegation.credentials_file:
            return "—"
        url = reverse("admin:delegations_delegation_credentials", args=[delegation.pk])
        return format_html('<a href="{}">{}</a>', url, delegation.credentials_name)

    @admin.display(description=_("printable list"))
    def printable(self, delegation):
        url = reverse("admin:delegations_delegation_printable", args=[delegation.pk])
        return format_html('<a href="{}">{}</a>', url, _("List of the delegation"))

    def save_model(self, request, obj, form, change):
        # Only the deadline is editable here: the team extends it for this delegation.
        if "deadline" in form.changed_data:
            services.delegation_deadline_extend(delegation=obj, until=obj.deadline)

    def _review_allowed(self, request):
        if not request.user.has_perm("delegations.review_delegations"):
            raise PermissionDenied

    @admin.action(description=_("Verify the credentials of the selected delegations"))
    def verify_credentials(self, request, queryset):
        self._review_allowed(request)
        verified = []
        for delegation in queryset:
            try:
                review.delegation_credentials_verify(delegation=delegation, now=timezone.now())
            except ValidationError as error:
                self.message_user(request, f"{delegation.entity}: {error.messages[0]}", messages.ERROR)
            else:
                verified.append(str(delegation.entity))
        if verified:
            # Said, so the officer knows the next step (Confirm) is open for these.
            self.message_user(
                request, _("Credentials verified: %(names)s.") % {"names": ", ".join(verified)}, messages.SUCCESS
            )

    @admin.action(description=_("Confirm the selected delegations and email their members"))
    def confirm(self, request, queryset):
        self._review_allowed(request)
        for delegation in queryset:
            if delegation.credentials_verified_at is None:
                self.message_user(request, f"{delegation.entity}: {_('Verify the credentials first.')}", messages.ERROR)
                continue
            review.delegation_confirm_later(delegation=delegation)
        self.message_user(request, _("The confirmations are being sent."))

    def get_urls(self):
        own = [
            path(
                "<int:pk>/credentials/",
                self.admin_site.admin_view(self.credentials_view),
                name="delegations_delegation_credentials",
            ),
            path(
                "<int:pk>/printable/",
                self.admin_site.admin_view(self.printable_view),
                name="delegations_delegation_printable",
            ),
            path(
                "host-list/", self.admin_site.admin_view(self.host_list_view), name="delegations_delegation_host_list"
            ),
            path(
                "dashboard/", self.admin_site.admin_view(self.dashboard_view), name="delegations_delegation_dashboard"
            ),
        ]
        return own + super().get_urls()

    def _delegation_for(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def credentials_view(self, request, pk):
        delegation = self._delegation_for(request, pk)
        path_ = credentials.credentials_path(delegation=delegation)
        if path_ is None:
            raise Http404("No credentials.")
        response = FileResponse(
            path_.open("rb"),
            as_attachment=True,
            filename=f"credentials-{delegation.pk}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    def printable_view(self, request, pk):
        delegation = self._delegation_for(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "delegation": delegation,
            "entity_name": delegation.entity.display_name(get_language()),
            "members": selectors.delegation_members(delegation=delegation),
            "title": _("List of the delegation"),
        }
        return render(request, "delegations/admin/printable.html", context)

    def _meeting_chosen(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The registrations dashboard's choice: the meeting being prepared unless one is asked for by id,
        # and another team's meeting (or an id that is not a number) answers 404.
        meetings, meeting = meeting_for_user_chosen(
            user=request.user, meeting_id=request.GET.get("meeting"), upcoming_first=True
        )
        if meeting is None:
            raise Http404("No meeting.")
        return meetings, meeting

    def host_list_view(self, request):
        _meetings, meeting = self._meeting_chosen(request)
        lines = selectors.host_rename_list(meeting=meeting, language=get_language())
        response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-host-names.txt"'
        return response

    def dashboard_view(self, request):
        meetings, meeting = self._meeting_chosen(request)
        states, unece_total = selectors.states_covered(meeting=meeting, language=get_language())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delegations dashboard"),
            "meetings": meetings,
            "meeting": meeting,
            "states": states,
            "unece_total": unece_total,
            "delegations": selectors.delegations_for_meeting(meeting=meeting),
        }
        if request.user.has_perm("registration.view_diversity_answers"):
            context["by_gender"] = selectors.delegates_by_gender(meeting=meeting)
        return render(request, "delegations/admin/dashboard.html", context)
