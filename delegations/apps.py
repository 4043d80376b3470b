"""App configuration for delegations: Member States and organisations registering through their focal points."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self):
        # The tasks register themselves with the Celery app; the receivers connect themselves.
        from delegations import signals, tasks  # noqa: F401
