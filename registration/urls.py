"""URLs of the registration form, its thank-you page, the manage link, email changes, erasure and the privacy notice.

Each meeting's form is under /<slug>/register/. The links emailed to a registration stay under
/register/ (a token names one registration, so its meeting), as do the single-meeting site's old
addresses of the form, which lead to the meeting they meant.
"""

from django.urls import path, register_converter

from agenda.views import legacy_page
from registration import views


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
    path("register/", views.legacy_register, name="legacy_register"),
    path("register/thanks/", legacy_page, {"name": "registration:thanks"}, name="legacy_thanks"),
    path("register/privacy/", legacy_page, {"name": "registration:privacy"}, name="legacy_privacy"),
    path("register/manage/<secret:token>/", views.manage, name="manage"),
    path("register/manage/<secret:token>/cancel/", views.cancel, name="cancel"),
    path("register/manage/<secret:token>/restore/", views.restore, name="restore"),
    path("register/manage/<secret:token>/take-place/", views.take_place, name="take_place"),
    path("register/email/<secret:token>/confirm/", views.email_change_confirm, name="email_change_confirm"),
    path("register/email/<secret:token>/refuse/", views.email_change_refuse, name="email_change_refuse"),
    path("register/manage/<secret:token>/erase/", views.erase, name="erase"),
    path("register/erased/", legacy_page, {"name": "registration:erased"}, name="legacy_erased"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/register/privacy/", views.privacy, name="privacy"),
    path("<slug:slug>/register/erased/", views.erased, name="erased"),
]
