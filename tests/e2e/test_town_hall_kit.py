"""The town-hall kit in a browser: a coordinator finds it from the console's menu, copies a
notice's text for the town hall's app in one click; a resident reaches their commune's page from
the territory page's commune picker; the commune's public page and the kit's pages pass
axe-core (WCAG 2.1 A and AA)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.steps import console_section, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def notice(transactional_db, world, explainers):
    return world.publish(title="Torchage « prolongé » & bruit", starts_at=timezone.now() - timedelta(minutes=20),
                         expected_end_at=timezone.now() + timedelta(hours=3))


def test_the_communes_page_has_no_violation(notice, world, page, axe):
    page.goto(f"/{world.x.slug}/")
    page.locator("#communes").get_by_role("link", name="Harfleur").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harfleur")
    expect(page.locator("#en-cours article.notice")).to_have_count(1)
    assert axe(page) == []

    page.goto(f"/en/{world.x.slug}/communes/76341/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harfleur")
    assert axe(page) == []


def test_the_commune_picker_leads_to_the_communes_page(notice, world, page, axe):
    page.goto(f"/{world.x.slug}/")
    page.get_by_label("Ma commune en premier").select_option(label="Harfleur")
    page.get_by_role("link", name="Tout ce qui concerne Harfleur").click()
    expect(page).to_have_url(f"{page.url.split('/' + world.x.slug)[0]}/{world.x.slug}/communes/76341/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harfleur")
    page.goto(f"/{world.x.slug}/")  # the choice is kept on this device: the link is there at once
    expect(page.get_by_role("link", name="Tout ce qui concerne Harfleur")).to_be_visible()
    assert axe(page) == []


def test_a_coordinator_copies_a_notices_text_for_the_town_halls_app(notice, world, new_context, axe):
    page = new_context(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, "coordinator_x")
    page.wait_for_load_state("load")  # console-nav.js has folded the menu on a phone: console_section opens it
    console_section(page, "Kit pour les mairies").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kit pour les mairies : Seine-Estuaire")
    assert axe(page) == []

    page.get_by_role("link", name="Harfleur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kit pour la mairie : Harfleur")
    assert axe(page) == []
    text = page.get_by_label("Texte pour l'application de la mairie").input_value()
    assert text.startswith("Torchage : Torchage « prolongé » & bruit") and f"/messages/{notice.pk}/" in text

    page.get_by_role("button", name="Copier le texte").click()
    expect(page.get_by_role("status").filter(has_text="Texte copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert axe(page) == []


def test_the_console_notice_page_with_its_town_hall_text_has_no_violation(notice, world, page, axe):
    sign_in(page, "operator_a")
    page.goto(f"/console/messages/{notice.pk}/")
    expect(page.get_by_role("heading", level=2, name="Pour les mairies")).to_be_visible()
    expect(page.get_by_role("button", name="Copier le texte")).to_be_visible()
    assert axe(page) == []
