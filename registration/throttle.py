"""A per-address limit on form submissions, counted in Django's cache (Redis in production)."""

import logging
import time
import weakref

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache

# Re-exported: the registration view counts attempts per client address.
from imrf_event.client_address import client_address

__all__ = ["client_address", "throttle_hit"]

logger = logging.getLogger(__name__)

# One redis-py client per Django cache client, so per process and thread: Django's get_client()
# builds a new one on every call, and building it (its table of reply parsers) cost as much CPU as
# the round trip. The client is safe to share; its connections come from Django's pool.
_clients: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one attempt; True when `key` is over `limit` attempts in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"throttle:{scope}:{key}:{window}"
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            count = _redis_count(backend, cache_key, window_seconds)
        else:
            count = _cache_count(backend, cache_key, window_seconds)
    except Exception as exc:  # noqa: BLE001 - a cache outage must not stop people registering
        logger.warning("throttle cache unavailable, not limiting: %s", exc.__class__.__name__)
        return False
    return count > limit


def _redis_count(backend: RedisCache, cache_key: str, window_seconds: int) -> int:
    # INCR and EXPIRE in one MULTI/EXEC pipeline: one round trip instead of the three of
    # add() then incr() (which checks EXISTS first), and no key is ever left without its expiry.
    key = backend.make_and_validate_key(cache_key)
    cache_client = backend._cache
    client = _clients.get(cache_client)
    if client is None:
        # Django's own pool of connections: none of our own.
        client = _clients[cache_client] = cache_client.get_client(key, write=True)
    with client.pipeline(transaction=True) as pipeline:
        # The key names its window, so pushing the expiry back on each hit never counts past it.
        count, _expiry_set = pipeline.incr(key).expire(key, window_seconds).execute()
    return int(count)


def _cache_count(cache: BaseCache, cache_key: str, window_seconds: int) -> int:
    # add() then incr() is atomic on local memory, so parallel requests all count.
    if cache.add(cache_key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The key expired between add() and incr().
        cache.set(cache_key, 1, timeout=window_seconds)
        return 1
