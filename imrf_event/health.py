"""The /healthz probe: 200 when the database and the Celery broker answer, 503 otherwise."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - whatever fails, the answer is "not healthy"
        return False


def _broker_ok() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker configured: tasks run in the web process, so there is nothing to reach.
        return True
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - whatever fails, the answer is "not healthy"
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    return JsonResponse(
        {"status": "ok" if all(checks.values()) else "unavailable", **checks},
        status=200 if all(checks.values()) else 503,
    )
