"""Whole-page cache of the public meeting pages, dropped whenever an organiser saves agenda data."""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "agenda:pages:version"


def _safely(default, operation, *args):
    # The cache only speeds pages up: with Redis down they are still rendered, only slower.
    try:
        return operation(*args)
    except Exception as exc:  # noqa: BLE001
        logger.warning("page cache unavailable: %s", exc.__class__.__name__)
        return default


def pages_version() -> int:
    return _safely(0, cache.get_or_set, VERSION_KEY, 0, None)


def pages_invalidate() -> None:
    """Make every cached page stale; called after any change to the meeting or its agenda."""
    # A fresh value rather than incr(), which fails when the key has been evicted.
    _safely(None, cache.set, VERSION_KEY, time.time_ns(), None)


def cached_page(view):
    """Cache a public page per path and language until the agenda changes.

    A view may set `response.cache_until` to expire it sooner, e.g. when registration closes.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        timeout = settings.PAGE_CACHE_TIMEOUT
        if not timeout or request.method not in ("GET", "HEAD") or request.GET:
            return view(request, *args, **kwargs)
        key = f"agenda:page:{pages_version()}:{get_language()}:{request.path}"
        now = timezone.now()
        entry = _safely(None, cache.get, key)
        if entry and now < entry["until"]:
            return HttpResponse(entry["content"], headers=entry["headers"])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            until = min(now + timeout, getattr(response, "cache_until", None) or now + timeout)
            entry = {"content": response.content, "headers": dict(response.items()), "until": until}
            _safely(None, cache.set, key, entry, int(timeout.total_seconds()))
        return response

    return wrapper
