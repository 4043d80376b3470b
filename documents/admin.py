"""The team's admin pages of a meeting's documents: the printable list of participants, its .docx, publishing it."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from agenda.admin_scope import MeetingScopedAdminMixin
from agenda.selectors import meeting_for_user_chosen
from documents import word
from documents.attendance_paragraph import attendance_paragraph_get
from documents.certificates import certificate_policy_save
from documents.models import Certificate, CertificatePolicy, ListOfParticipants
from documents.participants import list_of_participants_get
from documents.services import list_of_participants_publish, list_of_participants_withdraw
from registration.access import can_view_dashboard
from registration.collation import site_language
from registration.exports.background import ExportKind, export_kind_register
from registration.exports.gate import export_respond
from registration.models import ExportJob

# Names people: those who may see the registrations see it.
SEE_LIST = "registration.view_registration"
PUBLISH_LIST = "documents.change_listofparticipants"


def _list_meeting(*, user, query: str):
    """The meeting the job or page names, if the user may still see its list: the team rule of every admin page."""
    if not user.has_perm(SEE_LIST):
        raise PermissionDenied
    meeting_id = QueryDict(query).get("meeting")
    _meetings, meeting = meeting_for_user_chosen(user=user, meeting_id=meeting_id or "")
    if meeting is None:
        raise PermissionDenied
    return meeting


def list_table(*, meeting, language: str) -> tuple[word.ListOfParticipantsTable, str]:
    table = word.ListOfParticipantsTable(document=list_of_participants_get(meeting=meeting, language=language))
    return table, f"list-of-participants-{meeting.slug}-{language}-{timezone.localtime():%Y%m%d-%H%M}"


def _build_list(*, user, query: str):
    meeting = _list_meeting(user=user, query=query)
    table, stem = list_table(meeting=meeting, language=site_language(QueryDict(query).get("language")))
    return table, stem, [meeting.pk]


export_kind_register(
    kind=ExportJob.Kind.LIST_OF_PARTICIPANTS,
    export_kind=ExportKind(
        check=_list_meeting,
        build=_build_list,
        page="admin:documents_listofparticipants_changelist",
        back_label=_("Back to the list of participants"),
    ),
)


@admin.register(ListOfParticipants)
class ListOfParticipantsAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    """Opens on the printable list of the user's meeting; the rows themselves are only what was published."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(SEE_LIST) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def _chosen(self, request):
        if not request.user.has_perm(SEE_LIST):
            raise PermissionDenied
        # Another team's meeting in the address is a 404, never its participants.
        return meeting_for_user_chosen(user=request.user, meeting_id=request.GET.get("meeting"))

    def changelist_view(self, request, extra_context=None):
        meetings, meeting = self._chosen(request)
        language = site_language(request.GET.get("language"))
        document = list_of_participants_get(meeting=meeting, language=language) if meeting else None
        published = ListOfParticipants.objects.filter(meeting=meeting).first() if meeting else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("List of participants"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "document": document,
            "language": language,
            "languages": settings.LANGUAGES,
            "published": published,
            "can_publish": request.user.has_perm(PUBLISH_LIST),
        }
        return TemplateResponse(request, "admin/documents/list_of_participants.html", context)

    def docx_view(self, request):
        _meetings, meeting = self._chosen(request)
        if meeting is None:
            raise PermissionDenied
        language = site_language(request.GET.get("language"))
        table, stem = list_table(meeting=meeting, language=language)
        return export_respond(
            request=request,
            kind=ExportJob.Kind.LIST_OF_PARTICIPANTS,
            format_id=word.DocxExporter.identifier,
            table=table,
            total=table.total(),
            query=urlencode({"meeting": meeting.pk, "language": language}),
            filename_stem=stem,
        )

    def publish_view(self, request):
        if not request.user.has_perm(PUBLISH_LIST):
            raise PermissionDenied
        _meetings, meeting = meeting_for_user_chosen(user=request.user, meeting_id=request.POST.get("meeting") or "")
        if meeting is None:
            raise PermissionDenied
        if request.POST.get("action") == "withdraw":
            list_of_participants_withdraw(meeting=meeting)
            self.message_user(request, _("The list is no longer on the public meeting page."), messages.SUCCESS)
        else:
            names = request.POST.get("names_published") == "on"
            list_of_participants_publish(meeting=meeting, names_published=names)
            done = (
                _("The full list, with the names, is on the public meeting page.")
                if names
                else _("The States and organisations represented are on the public meeting page, without names.")
            )
            self.message_user(request, done, messages.SUCCESS)
        page = reverse("admin:documents_listofparticipants_changelist")
        return HttpResponseRedirect(f"{page}?{urlencode({'meeting': meeting.pk})}")

    def attendance_view(self, request):
        """The report's paragraph in the four languages, each in a box to copy from."""
        if not (can_view_dashboard(request.user) or request.user.has_perm(SEE_LIST)):
            raise PermissionDenied
        meetings, meeting = meeting_for_user_chosen(user=request.user, meeting_id=request.GET.get("meeting"))
        paragraph = attendance_paragraph_get(meeting=meeting) if meeting else None
        names = dict(settings.LANGUAGES)
        context = {
            **self.admin_site.each_context(request),
            "title": _("The attendance paragraph"),
            "opts": self.opts,
            "meetings": meetings,
            "meeting": meeting,
            "paragraph": paragraph,
            "texts": [(code, names[code], text) for code, text in paragraph.texts] if paragraph else [],
        }
        return TemplateResponse(request, "admin/documents/attendance_paragraph.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("attendance/", view(self.attendance_view), name="documents_attendance_paragraph"),
            path("docx/", view(self.docx_view), name="documents_listofparticipants_docx"),
            path("publish/", view(require_POST(self.publish_view)), name="documents_listofparticipants_publish"),
            *super().get_urls(),
        ]


class CertificatePolicyForm(forms.ModelForm):
    released = forms.BooleanField(
        label=_("Certificates released"),
        required=False,
        help_text=_(
            "Participants who attended at least the minimum can then download theirs from their registration's page."
        ),
    )

    class Meta:
        model = CertificatePolicy
        fields = ("meeting", "minimum_minutes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["released"].initial = bool(self.instance.released_at)


@admin.register(CertificatePolicy)
class CertificatePolicyAdmin(MeetingScopedAdminMixin, admin.ModelAdmin):
    form = CertificatePolicyForm
    list_display = ("meeting", "minimum_minutes", "released_at", "issued")
    readonly_fields = ("released_at",)

    @admin.display(description=_("certificates issued"))
    def issued(self, policy):
        return Certificate.objects.filter(registration__meeting=policy.meeting).count()

    def get_readonly_fields(self, request, obj=None):
        # A policy belongs to its meeting: moving it to another would release that meeting's certificates.
        return (*self.readonly_fields, "meeting") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = certificate_policy_save(
            meeting=obj.meeting, minimum_minutes=obj.minimum_minutes, released=form.cleaned_data["released"]
        )
        obj.pk, obj.released_at = saved.pk, saved.released_at
