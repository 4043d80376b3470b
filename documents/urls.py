"""URLs of the meeting's public documents, under the meeting's address."""

from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("<slug:slug>/participants/", views.participants, name="participants"),
]
