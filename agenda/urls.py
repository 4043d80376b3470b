"""URLs of the public pages: the list of meetings at /, each meeting under /<slug>/, and the old single-meeting ones."""

from django.urls import path

from agenda import views

app_name = "agenda"
# Fixed paths come before /<slug>/ so that they win; agenda.models.RESERVED_SLUGS keeps meetings off them.
urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("agenda/", views.legacy_page, {"name": "agenda:agenda"}, name="legacy_agenda"),
    path("concept-note/", views.legacy_page, {"name": "agenda:concept_note"}, name="legacy_concept_note"),
    path("meeting.ics", views.legacy_calendar, name="legacy_calendar"),
    path("<slug:slug>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/concept-note/", views.concept_note, name="concept_note"),
    path("<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/meeting.ics", views.meeting_calendar, name="calendar"),
]
