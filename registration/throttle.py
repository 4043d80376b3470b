"""A per-address limit on form submissions, counted in Django's cache (Redis in production)."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; the proxy must
    # then set it from the client (gunicorn's forwarded_allow_ips, see docs/deploy.md).
    return request.META.get("REMOTE_ADDR", "unknown")


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one attempt; True when `key` is over `limit` attempts in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"throttle:{scope}:{key}:{window}"
    try:
        # add() then incr() is atomic on Redis and local memory, so parallel requests all count.
        if cache.add(cache_key, 1, timeout=window_seconds):
            return limit < 1
        try:
            return cache.incr(cache_key) > limit
        except ValueError:
            # The key expired between add() and incr().
            cache.set(cache_key, 1, timeout=window_seconds)
            return limit < 1
    except Exception as exc:  # noqa: BLE001 - a cache outage must not stop people registering
        logger.warning("throttle cache unavailable, not limiting: %s", exc.__class__.__name__)
        return False
