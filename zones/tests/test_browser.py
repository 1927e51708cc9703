"""The zone in headless Chromium: drawn over the notice's own map and over the territory's map,
said in words, and axe-core finds nothing on either page."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notices.models import Category, Perception
from riverains.testing import communes
from tests.e2e.conftest import CHROMIUM, axe, browser, page  # noqa: F401 (fixtures)
from zones import services

from .conftest import recorded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]


@pytest.fixture
def odour(transactional_db, world):
    services.update_forecast(world.site_a, timezone.now(), provider=recorded("south-east"), force=True)
    now = timezone.now()
    return world.publish(category=Category.ODOUR, perceptions=[Perception.OLFACTORY], title="Odeur de soufre possible",
                         body="Vidange d'un bac.", starts_at=now - timedelta(minutes=5),
                         expected_end_at=now + timedelta(hours=3), communes=communes("76305"))


def test_the_notice_page_draws_the_zone_and_says_it_in_words(odour, page, axe):  # noqa: F811
    page.goto(odour.get_absolute_url())
    expect(page.get_by_role("heading", name="Où cela peut-il se percevoir ?")).to_be_visible()
    expect(page.locator(".zone__sentence")).to_contain_text("Vent de sud-est : odeur possible à Harfleur")
    expect(page.locator("#zone-carte")).to_be_visible()
    expect(page.locator("#zone-carte .leaflet-overlay-pane path")).to_have_count(1)
    assert axe(page) == []
    page.get_by_role("link", name="Comment cette zone est calculée").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La zone de perception possible")
    assert axe(page) == []


def test_the_territory_map_shows_the_current_zones(odour, world, page, axe):  # noqa: F811
    page.goto(f"/{world.x.slug}/")
    expect(page.locator("#zones li")).to_contain_text("Odeur de soufre possible")
    page.locator("#liste-sites").scroll_into_view_if_needed()  # the map is drawn when it comes near
    expect(page.locator("#carte")).to_be_visible()
    expect(page.locator("#carte .leaflet-overlay-pane path")).to_have_count(1)
    assert axe(page) == []
