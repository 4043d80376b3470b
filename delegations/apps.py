"""App configuration for delegations: Member States and organisations registering through their focal points."""

from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = "Delegations"

    def ready(self):
        # The tasks register themselves with the Celery app; the receivers connect themselves.
        from delegations import signals, tasks  # noqa: F401
