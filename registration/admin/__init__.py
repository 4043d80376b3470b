"""The organisers' admin, one module per area; importing them registers their pages with the admin site."""

from registration.admin import (
    accessibility,
    attendance,
    emails,
    export_kinds,
    on_behalf,
    online,
    registrations,
    views,
)

__all__ = ["accessibility", "attendance", "emails", "export_kinds", "on_behalf", "online", "registrations", "views"]
