"""The console on a 390 px phone, in headless Chromium: the menu folds behind one button, no page
scrolls sideways (tables scroll inside their own region), axe-core finds nothing, and no chart
label is drawn outside its chart."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from api.models import ApiToken
from notices.models import Notice, Status
from relay import services as relay_services
from relay.models import Delivery, DeliveryStatus, Subscription
from reports.models import Episode
from stats.models import AudienceKind, DailyCount
from tests.e2e.conftest import CHROMIUM, axe, browser, page  # noqa: F401 (fixtures)
from tests.e2e.steps import sign_in
from voice.models import Call

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]
PHONE = 390
LONG_NAME = "Société Anonyme des Raffineries et Pétrochimies Réunies de l'Estuaire de la Seine"


@pytest.fixture
def lived_in(transactional_db, world):
    world.org_a.name = LONG_NAME
    world.org_a.save()
    webhook = relay_services.create_webhook(
        world.x, "https://mairie-du-havre.example/api/v2/riverains/webhooks/messages-des-sites-industriels", "Mairie du Havre")
    sent = world.publish(title="Torchage annoncé sur l'unité de distillation atmosphérique numéro trois")
    Delivery.objects.filter(revision__notice=sent).update(
        status=DeliveryStatus.FAILED, attempts=8,
        last_error="HTTPSConnectionPool(host='mairie-du-havre.example', port=443): Max retries exceeded with url")
    overdue = world.publish(title="Torchage oublié")
    now = timezone.now()
    Notice.objects.filter(pk=overdue.pk).update(status=Status.ONGOING, starts_at=now - timedelta(hours=3),
                                                expected_end_at=now - timedelta(minutes=5))
    episode = Episode.objects.create(territory=world.x, opened_at=now, last_report_at=now, report_count=3)
    episode.notified_sites.add(world.site_a)
    ApiToken.issue(world.org_a, "Supervision de l'unité de distillation numéro trois", world.operator_a)
    for day in range(20):
        Call.objects.create(territory=world.x, call_sid=f"CA{day}", caller_hash=f"h{day}", choices=["1", "2", "9"],
                            started_at=now - timedelta(days=day), duration=60 + day)
        DailyCount.objects.create(territory=world.x, day=timezone.localdate() - timedelta(days=day),
                                  kind=AudienceKind.values[0], count=123456 + day)
    world.webhook, world.episode, world.sent = webhook, episode, sent
    return world


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE


def too_wide(page):
    """The elements reaching past the screen's right edge, to say what makes a page scroll sideways."""
    return page.evaluate("""(width) => [...document.querySelectorAll("body *")]
      .filter(e => e.getBoundingClientRect().right > width + 0.5)
      .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "")
                + " " + Math.round(e.getBoundingClientRect().right))
      .slice(0, 8)""", PHONE)


def check(page, axe, path, heading):  # noqa: F811
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert fits_the_phone(page), f"{path} scrolls sideways: {too_wide(page)}"
    assert axe(page) == [], path


def test_the_menu_folds_on_a_phone_and_opens_with_one_button(lived_in, page):  # noqa: F811
    sign_in(page, "coordinator_x")
    menu = page.get_by_role("button", name="Menu de la console")
    expect(menu).to_have_attribute("aria-expanded", "false")
    statistics = page.get_by_role("navigation", name="Console").get_by_role("link", name="Statistiques")
    expect(statistics).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(statistics).to_be_visible()
    assert fits_the_phone(page)
    page.keyboard.press("Escape")
    expect(statistics).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    statistics.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistiques")


def test_a_coordinators_pages_fit_a_phone_and_pass_axe(lived_in, page, axe):  # noqa: F811
    world = lived_in
    sign_in(page, "coordinator_x")
    check(page, axe, "/console/", "Console Riverains")
    check(page, axe, "/console/messages/", "essages")
    check(page, axe, f"/console/messages/{world.sent.pk}/", "Torchage annoncé")
    check(page, axe, "/console/sites/", "Sites industriels")
    check(page, axe, "/console/gestion/", "Gestion")
    check(page, axe, f"/console/gestion/adherents/{world.org_a.pk}/", "Société Anonyme")
    check(page, axe, "/console/relais/", "Envois aux abonnés")
    check(page, axe, f"/console/relais/messages/{world.sent.pk}/", "Envois du message")
    check(page, axe, "/console/relais/webhooks/", "Webhooks des partenaires")
    check(page, axe, f"/console/relais/webhooks/{world.webhook.pk}/", "Mairie du Havre")
    check(page, axe, "/console/relais/comptes/", "Mastodon")
    check(page, axe, "/console/episodes/", "Épisodes")
    check(page, axe, f"/console/episodes/{world.episode.pk}/", "pisode")
    check(page, axe, f"/console/telephone/{world.x.slug}/", "Numéro vert")
    check(page, axe, f"/console/statistiques/{world.x.slug}/", "Statistiques")
    check(page, axe, "/console/jetons/", "Jetons")
    check(page, axe, "/console/compte/double-authentification/", "authentification")
    check(page, axe, "/console/compte/mot-de-passe/", "mot de passe")


def test_an_operators_pages_fit_a_phone_and_pass_axe(lived_in, page, axe):  # noqa: F811
    sign_in(page, "operator_a")
    check(page, axe, "/console/", "Console Riverains")
    check(page, axe, "/console/messages/", "essages")
    check(page, axe, "/console/sites/", "Sites industriels")
    check(page, axe, "/console/gestion/", "Gestion")
    check(page, axe, "/console/episodes/", "Épisodes")
    check(page, axe, "/console/jetons/", "Jetons")


def test_no_chart_label_is_drawn_outside_its_chart(lived_in, page):  # noqa: F811
    sign_in(page, "coordinator_x")
    lived_in.publish(title="Long", site=lived_in.site_a)  # a bar labelled with the long organization name
    page.goto(f"/console/statistiques/{lived_in.x.slug}/")
    outside = page.evaluate("""() => {
      const out = [];
      for (const svg of document.querySelectorAll("svg.stats-chart")) {
        const width = svg.viewBox.baseVal.width;
        for (const text of svg.querySelectorAll("text")) {
          const box = text.getBBox();
          if (box.x < 0 || box.x + box.width > width) out.push([svg.id || svg.getAttribute("aria-labelledby"), text.textContent, box.x, box.x + box.width]);
        }
      }
      return out;
    }""")
    assert page.locator("svg.stats-chart text").count() > 20
    assert outside == []
