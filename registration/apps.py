"""App configuration for the registration app."""

from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        # Signals connect their receivers; the periodic tasks register themselves with the Celery app
        # (the outbox's and the exports' tasks are registered by their own modules, imported by tasks).
        from registration import signals, tasks  # noqa: F401
