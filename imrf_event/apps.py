"""django.contrib.admin's app config, with the organisers' two-factor admin site as `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class OrganiserAdminConfig(AdminConfig):
    default_site = "imrf_event.admin_site.OrganiserAdminSite"
