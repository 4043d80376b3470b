"""Cache of the public meeting pages and the registration page, dropped whenever an organiser saves agenda data.

Why two levels: the meeting page, the agenda and the .ics change only when an organiser saves, yet
they are most of the traffic. Keeping them in Redis alone cost two Redis round trips a request, and
the pages reached under half the speed of a bare view; with a copy in each process's memory, asked
about Redis at most once a second, they reach 0.8-0.9 of it (docs/performance.md, "What limits each
page" and "After the fixes").

How a look-up goes, in `cached(key, build=...)`:

1. The agenda *version*: a number in the shared cache (Redis in production) under VERSION_KEY that
   every save of agenda data replaces (`pages_invalidate`, from agenda/signals.py). Each process
   remembers the version it last read and asks again only after PAGE_CACHE_VERSION_CHECK_SECONDS;
   when it has moved, the process throws its copies away.
2. This process's copy of `key` (`_copies.entries`), if any.
3. Else the shared cache's copy under `agenda:<version>:<key>`, left there by another process. A
   new version makes new keys, so old pages are never read again and simply expire.
4. Else `build()` is called: it returns a `Built(value, until)`. The value is kept in both levels
   until `until` or PAGE_CACHE_TIMEOUT, whichever comes first; a value of None is not kept.

So the process that saved sees its change at once, the others within a second. With the shared
cache down, every call to it is caught (`_safely`): pages are rendered, only slower. With
PAGE_CACHE_TIMEOUT zero (the tests' default) nothing is cached.
"""

import copy
import datetime
import functools
import logging
import threading
import time
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "agenda:pages:version"


class Built(NamedTuple):
    """What a builder gives `cached`: the value, and when it must stop being served (None: at the timeout)."""

    value: Any
    until: datetime.datetime | None = None


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


def cached(key: str, *, build, shared: bool = True):
    """The value cached under `key` for the current agenda version, built (and cached) when missing.

    `build()` returns a `Built`; its `until` may end the value's life sooner than the timeout,
    and a value of None is returned as it is and not cached. With `shared=False` the value is kept
    in this process only (step 3 is skipped): for objects that are cheap to build once per process
    but not worth pickling into Redis, such as a form's fields.
    """
    timeout = settings.PAGE_CACHE_TIMEOUT
    if not timeout:
        return build().value
    version = _copies.current_version()
    now = timezone.now()
    entry = _copies.entries.get(key)
    if entry is None and version is not None and shared:
        entry = _safely(None, cache.get, f"agenda:{version}:{key}")
    if entry is not None and now < entry["until"]:
        _copies.entries[key] = entry
        return entry["value"]
    value, until = build()
    if value is None:
        return None
    entry = {"value": value, "until": min(now + timeout, until or now + timeout)}
    _copies.entries[key] = entry
    if version is not None and shared:
        _safely(None, cache.set, f"agenda:{version}:{key}", entry, int(timeout.total_seconds()))
    return value


def request_without_query(request):
    """The same request without its query string, for rendering a page that is kept for everyone.

    No cached page reads a query parameter, so every one is unknown to it: a link carrying `?utm_source=…`
    or `?x=<random>` is served the cached page instead of costing a render (issue 19, Low 12), and the
    page is rendered as if the query were not there, so what one visitor typed (the language
    switcher's `next` holds the page's full path) never reaches another.
    """
    if not request.META.get("QUERY_STRING"):
        return request
    plain = copy.copy(request)
    plain.META = {**request.META, "QUERY_STRING": ""}
    plain.GET = QueryDict()
    return plain


def cached_page(*, until=None):
    """Cache a public GET page per path and language until the agenda changes.

    The path names the meeting (/<slug>/agenda/), so each meeting's pages are kept apart; the
    old single-meeting paths (/meeting.ics) are kept under their own path for the meeting they serve.
    `until(request, *args, **kwargs)`, given the view's arguments, returns the time the page must
    stop being served (None: at the timeout), e.g. when registration closes. It is asked before
    the view renders, so a page rendered just after that time is not kept under the earlier answer.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or not settings.PAGE_CACHE_TIMEOUT:
                return view(request, *args, **kwargs)
            request = request_without_query(request)
            rendered = []

            def build() -> Built:
                expires = until(request, *args, **kwargs) if until else None
                response = view(request, *args, **kwargs)
                rendered.append(response)
                if response.status_code != 200 or response.streaming:
                    return Built(None)
                return Built({"content": response.content, "headers": dict(response.items())}, expires)

            page = cached(f"page:{get_language()}:{request.path}", build=build)
            if page is None:
                # Not cacheable (an error page, say): send what the view rendered.
                return rendered[0]
            return HttpResponse(page["content"], headers=page["headers"])

        return wrapper

    return decorator
