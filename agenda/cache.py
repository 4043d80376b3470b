"""Cache of the public meeting pages and form fragments, dropped whenever an organiser saves agenda data.

Two levels: each process keeps the pages it served in memory, and the shared cache (Redis in
production) holds a version number that every save of agenda data changes, plus the pages for
other processes. A process asks the shared cache for the version at most once a second, so a
cached page costs no network round trip at all; the process that saved drops its copies at once,
the others within that second.
"""

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "agenda:pages:version"


class _ProcessCopies:
    """This process's copies, valid for one version of the agenda data."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.checked_at = float("-inf")
        self.entries = {}

    def current_version(self):
        now = time.monotonic()
        if now - self.checked_at >= settings.PAGE_CACHE_VERSION_CHECK_SECONDS:
            version = _safely(None, cache.get_or_set, VERSION_KEY, 0, None)
            with self.lock:
                if version != self.version or version is None:
                    self.entries = {}
                self.version = version
                self.checked_at = now
        return self.version

    def forget(self, version=None):
        with self.lock:
            self.entries = {}
            self.version = version
            self.checked_at = time.monotonic() if version is not None else float("-inf")


_copies = _ProcessCopies()


def _safely(default, operation, *args):
    # The cache only speeds pages up: with Redis down they are still rendered, only slower.
    try:
        return operation(*args)
    except Exception as exc:  # noqa: BLE001
        logger.warning("page cache unavailable: %s", exc.__class__.__name__)
        return default


def pages_invalidate() -> None:
    """Make every cached page stale; called after any change to the meeting or its agenda."""
    # A fresh value rather than incr(), which fails when the key has been evicted.
    version = time.time_ns()
    _safely(None, cache.set, VERSION_KEY, version, None)
    _copies.forget(version)


def pages_forget_local() -> None:
    """Drop this process's copies and ask the shared cache again on the next request (tests use it)."""
    _copies.forget()


def cached(key: str, *, build):
    """The value cached under `key` for the current agenda version, built (and cached) when missing.

    `build()` returns `(value, until)`: `until` may end the value's life sooner than the
    timeout; a `None` value is returned as it is and not cached.
    """
    timeout = settings.PAGE_CACHE_TIMEOUT
    if not timeout:
        return build()[0]
    version = _copies.current_version()
    now = timezone.now()
    entry = _copies.entries.get(key)
    if entry is None and version is not None:
        entry = _safely(None, cache.get, f"agenda:{version}:{key}")
    if entry is not None and now < entry["until"]:
        _copies.entries[key] = entry
        return entry["value"]
    value, until = build()
    if value is None:
        return None
    entry = {"value": value, "until": min(now + timeout, until or now + timeout)}
    _copies.entries[key] = entry
    if version is not None:
        _safely(None, cache.set, f"agenda:{version}:{key}", entry, int(timeout.total_seconds()))
    return value


def cached_page(view):
    """Cache a public GET page per path and language until the agenda changes.

    A view may set `response.cache_until` to expire it sooner, e.g. when registration closes.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.GET or not settings.PAGE_CACHE_TIMEOUT:
            return view(request, *args, **kwargs)
        rendered = []

        def build():
            response = view(request, *args, **kwargs)
            rendered.append(response)
            if response.status_code != 200 or response.streaming:
                return None, None
            page = {"content": response.content, "headers": dict(response.items())}
            return page, getattr(response, "cache_until", None)

        page = cached(f"page:{get_language()}:{request.path}", build=build)
        if page is None:
            # Not cacheable (an error page, say): send what the view rendered.
            return rendered[0]
        return HttpResponse(page["content"], headers=page["headers"])

    return wrapper
