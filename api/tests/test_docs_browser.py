"""/api/v1/docs in headless Chromium: Swagger UI comes from the application itself (the page's
Content-Security-Policy allows no CDN) and lists the API's operations; nothing is blocked."""
import pytest

from tests.e2e.conftest import CHROMIUM, browser, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]


def test_the_docs_page_renders_every_operation(transactional_db, page):  # noqa: F811
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("requestfailed", lambda request: refused.append(f"{request.url} {request.failure}"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")

    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert any("/api/v1/territories/{slug}/notices" in p for p in paths), paths
    methods = {m.strip() for m in page.locator(".opblock-summary-method").all_text_contents()}
    assert {"GET", "POST", "PATCH"} <= methods
    assert page.locator(".info .title").first.text_content().startswith("Riverains API")
    assert "Licence Ouverte" in page.locator(".info").first.text_content()

    # An operation opens and shows its parameters and its documented answers.
    page.locator(".opblock-summary-path", has_text="/api/v1/notices").first.click()
    page.wait_for_selector(".opblock-body .parameters")
    assert page.locator(".opblock-body .responses-table").first.is_visible()
    assert refused == []
