"""URLs of the registration form, its thank-you page, the manage link, email changes, erasure and the privacy notice."""

from django.urls import path, register_converter

from . import views


class SecretTokenConverter:
    """The token of a manage or email-change link: URL-safe characters only, so nothing else reaches a query.

    A NUL byte or a megabyte of text answers 404 here instead of a database error.
    """

    regex = "[A-Za-z0-9_-]{20,100}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SecretTokenConverter, "secret")

app_name = "registration"
urlpatterns = [
    path("", views.register, name="register"),
    path("thanks/", views.thanks, name="thanks"),
    path("privacy/", views.privacy, name="privacy"),
    path("manage/<secret:token>/", views.manage, name="manage"),
    path("manage/<secret:token>/cancel/", views.cancel, name="cancel"),
    path("manage/<secret:token>/restore/", views.restore, name="restore"),
    path("email/<secret:token>/confirm/", views.email_change_confirm, name="email_change_confirm"),
    path("email/<secret:token>/refuse/", views.email_change_refuse, name="email_change_refuse"),
    path("manage/<secret:token>/erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
]
