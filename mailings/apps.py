"""App configuration for the organisers' messages to registrants."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Messages to registrants")

    def ready(self):
        # The task registers itself with the Celery app in every process, web included (see services.py).
        from . import tasks  # noqa: F401
