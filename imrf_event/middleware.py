"""Middleware that answers 503 “try again” when the database is unreachable, instead of a traceback."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Raised when PostgreSQL is down, restarting or refusing connections; a constraint
# violation (IntegrityError) is a DatabaseError too but a real bug, so it is not here.
UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except UNAVAILABLE as exc:
            # Raised outside a view (a middleware touching the session, say).
            return self._unavailable(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE) or (
            isinstance(exception, DatabaseError) and isinstance(exception.__cause__, UNAVAILABLE)
        ):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, exc):
        logger.warning("database unavailable: %s", exc.__class__.__name__, extra={"path": request.path})
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
