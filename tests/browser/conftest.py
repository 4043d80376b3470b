"""Browser fixtures: Debian's Chromium driven by Playwright for Python, and axe-core's accessibility check."""

import pytest
from django.conf import settings
from django.test import Client

# Without the background-networking flags Chromium keeps calling Google's services, which a closed
# network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEVERE_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One headless Chromium for the whole session; Playwright's own browser download is never used."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        # Playwright's sync API leaves its event loop set as this thread's running loop between calls,
        # and from then on Django's connection handler keeps connections per asyncio context, not per
        # thread: the tests would quietly get second connections, apart from the ones the suite set up
        # and without the rows saved after migrating (so serialized_rollback did nothing). The loop's
        # context gets this thread's own connections.
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context; keyword arguments go to `browser.new_context`."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def signed_in_page(live_server, new_page):
    """Open a page signed in as `user`, through a session made by the test client rather than the login form."""

    def open_page(user):
        client = Client()
        client.force_login(user)
        page = new_page()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        return page

    return open_page


def _describe_violation(violation) -> str:
    nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    if more > 0:
        nodes += f"; and {more} more"
    return f"{violation['impact']} {violation['id']}: {violation['help']} at {nodes} ({violation['helpUrl']})"


@pytest.fixture
def axe_violations(axe_script):
    """Run axe-core on a page and return its serious and critical violations as readable lines.

    `assert axe_violations(page) == []` then prints each rule, the elements it found and its help link.
    """

    source = axe_script.read_text(encoding="utf-8")

    def run(page) -> list[str]:
        # Evaluated through Playwright rather than added as a <script>: the site's Content-Security-Policy
        # rightly blocks inline scripts, and switching it off (bypass_csp) would hide the site's own breaches.
        page.evaluate(source)
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [_describe_violation(v) for v in results["violations"] if v["impact"] in SEVERE_IMPACTS]

    return run
