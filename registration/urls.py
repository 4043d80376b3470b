"""URLs of the registration form, its thank-you page, the manage link, erasure and the privacy notice."""

from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("", views.register, name="register"),
    path("thanks/", views.thanks, name="thanks"),
    path("privacy/", views.privacy, name="privacy"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:token>/restore/", views.restore, name="restore"),
    path("manage/<str:token>/erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
]
