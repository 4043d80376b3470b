"""The organisers' admin, one module per area; importing them registers their pages with the admin site."""

from registration.admin import attendance, emails, export_kinds, online, registrations, views

__all__ = ["attendance", "emails", "export_kinds", "online", "registrations", "views"]
