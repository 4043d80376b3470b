"""URLs of the public meeting pages."""

from django.urls import path

from . import views

app_name = "agenda"
urlpatterns = [
    path("", views.meeting_detail, name="meeting"),
    path("concept-note/", views.concept_note, name="concept_note"),
    path("agenda/", views.agenda, name="agenda"),
    path("meeting.ics", views.meeting_calendar, name="calendar"),
]
