"""App configuration for the agenda app."""

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = "Meeting and agenda"

    def ready(self):
        from agenda import signals

        signals.connect()
