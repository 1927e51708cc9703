"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Without Chromium these tests are skipped, unless RIVERAINS_REQUIRE_BROWSER=1 (CI), where a
missing browser is an error."""
import os
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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            # No sandbox as root in CI; no background traffic to Google's hosts (closed network).
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def check(page):
        """Run axe-core (WCAG 2.0/2.1 A and AA rules) and return the violations, readable."""
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]

    return check
