"""URLs of the meeting's public documents, under the meeting's address."""

from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    # Beside the manage link's other pages: the token is the participant's password to their registration.
    path("register/manage/<str:token>/certificate/", views.certificate_download, name="certificate"),
    path("<slug:slug>/certificate/", views.certificate_verification, name="verify"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
]
