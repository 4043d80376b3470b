"""App configuration for the registration app."""

from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        # Signals connect their receivers. Tasks register themselves with the Celery app in every
        # process, web included: the outbox queues registration.send_email by name (see outbox.py).
        from . import signals, tasks  # noqa: F401
