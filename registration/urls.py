"""URLs of the registration form, its thank-you page, the manage link, email changes, erasure and the privacy notice."""

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
    path("email/<str:token>/confirm/", views.email_change_confirm, name="email_change_confirm"),
    path("email/<str:token>/refuse/", views.email_change_refuse, name="email_change_refuse"),
    path("manage/<str:token>/erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
]
