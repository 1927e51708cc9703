"""A resident keeps the territory page open; an operator publishes: the notice appears without a
reload, screen readers hear "Nouveaux messages", and the reader's focus stays where it was."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "Odeur de soufre près du port"


@pytest.fixture
def fast_refresh(settings):
    settings.PUBLIC_LIVE_REFRESH_SECONDS = 1


def publish_ongoing(world):
    return world.publish(kind="observed", title=TITLE, starts_at=timezone.now() - timedelta(minutes=5))


def set_tab_hidden(page, hidden):
    """What the browser does when the resident switches tabs (headless tabs never are hidden)."""
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_a_notice_published_while_the_page_is_open_appears_without_reload(transactional_db, world, page, fast_refresh):
    page.goto(f"/{world.x.slug}/")
    expect(page.locator("#en-cours article.notice")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")
    history_link = page.get_by_role("link", name="Voir l'historique des messages")
    history_link.focus()

    publish_ongoing(world)

    card = page.locator("#en-cours article.notice")
    expect(card).to_have_count(1, timeout=8000)
    expect(card.get_by_role("heading")).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text("Nouveaux messages")
    assert page.evaluate("window.stillTheSamePage") is True
    expect(history_link).to_be_focused()


def test_a_hidden_tab_stops_polling_and_catches_up_when_shown_again(transactional_db, world, page, fast_refresh):
    page.goto(f"/{world.x.slug}/")
    set_tab_hidden(page, True)
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "etat.json" in request.url else None)

    publish_ongoing(world)
    page.wait_for_timeout(2500)
    assert polls == []
    expect(page.locator("#en-cours article.notice")).to_have_count(0)

    set_tab_hidden(page, False)
    expect(page.locator("#en-cours article.notice")).to_have_count(1, timeout=3000)
