"""The project's own app (its management commands) and django.contrib.admin's config with the two-factor site."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ImrfEventConfig(AppConfig):
    # Installed for its management commands (compile_translations), which serve the whole project.
    name = "imrf_event"
    verbose_name = "IMRF event"


class OrganiserAdminConfig(AdminConfig):
    default_site = "imrf_event.admin_site.OrganiserAdminSite"
