"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Without Chromium these tests are skipped, unless RIVERAINS_REQUIRE_BROWSER=1 (CI), where a
missing browser is an error."""
import importlib
import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RIVERAINS_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run
# unless told that this thread is in fact synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("RIVERAINS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Chromium is required for the end-to-end tests but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


_shared = {}


def shared_browser():
    """One Chromium per test process. Other apps' browser tests import the `browser` fixture,
    which makes a second session fixture of the same name: both must share this instance, as
    Playwright's sync API cannot run twice at once in one thread."""
    if "browser" not in _shared:
        from playwright.sync_api import expect, sync_playwright

        # A loaded machine (the suite runs in parallel) can take more than the default 5 s.
        expect.set_options(timeout=10_000)
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM,
            # No sandbox as root in CI; no background traffic to Google's hosts (closed network).
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
    return _shared["browser"]


def close_shared_browser():
    if "browser" in _shared:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser():
    yield shared_browser()
    close_shared_browser()


LOCAL = re.compile(r"^https?://(localhost|127\.0\.0\.1)(:\d+)?/")


def keep_off_the_internet(context):
    """Map tiles and anything else outside the test server fail at once instead of waiting on
    a closed network's DNS: pages must work without them anyway."""
    context.route(lambda url: not LOCAL.match(url), lambda route: route.abort())


def open_page(browser, live_server, **options):
    """A new browser context (a person's own cookies and session) on the live server, and its page.
    Extra keyword arguments go to Playwright's new_context (geolocation, permissions, viewport…)."""
    settings = {"base_url": live_server.url, "locale": "fr-FR", "timezone_id": "Europe/Paris",
                "viewport": {"width": 390, "height": 844}, **options}
    context = browser.new_context(**settings)
    keep_off_the_internet(context)
    page = context.new_page()
    page.set_default_timeout(10000)
    return page


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def check(page):
        """Run axe-core (WCAG 2.0/2.1 A and AA rules) and return the violations, readable."""
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]

    return check


@pytest.fixture
def new_context(browser, live_server):
    """Another person's browser: `new_context(**options)` opens one and returns its page."""
    pages = []

    def make(**options):
        pages.append(open_page(browser, live_server, **options))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


@pytest.fixture
def explainers(transactional_db):
    """The shipped fiches « comprendre »: data migrations create them (in French, then their
    English), but transactional tests empty the database after each test, so they are put back here."""
    from django.apps import apps

    migration = importlib.import_module("notices.migrations.0002_explainers")
    migration.create_explainers(apps, None)
    importlib.import_module("notices.migrations.0004_explainers_english").add_english(apps, None)
