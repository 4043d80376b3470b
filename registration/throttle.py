"""A per-address limit on form submissions, counted in Django's cache (Redis in production)."""

import logging
import time

from django.core.cache import cache

# Re-exported: the registration view counts attempts per client address.
from imrf_event.client_address import client_address

__all__ = ["client_address", "throttle_hit"]

logger = logging.getLogger(__name__)


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
