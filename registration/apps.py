"""App configuration for the registration app."""

from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
