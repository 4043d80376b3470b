"""App configuration for the registration app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self):
        # Signals connect their receivers; the periodic tasks register themselves with the Celery app
        # (the outbox's and the exports' tasks are registered by their own modules, imported by tasks).
        from registration import signals, tasks  # noqa: F401
