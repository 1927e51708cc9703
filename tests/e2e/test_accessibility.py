"""axe-core (WCAG 2.0 and 2.1, levels A and AA) on the pages residents and operators meet, in
the states that matter: with notices, with results, with errors. Each page is first checked to
be the page expected, so that an error page cannot pass for an accessible one."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notices.models import Category
from tests.e2e.steps import sign_in, start_notice

pytestmark = pytest.mark.browser


@pytest.fixture
def notices(transactional_db, world, explainers):
    """On territory X: a flare going on now, and a drill planned for tomorrow."""
    now = timezone.now()
    ongoing = world.publish(starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=3))
    planned = world.publish(site=world.site_b, category=Category.DRILL, perceptions=["audible"],
                            title="Exercice incendie annuel", starts_at=now + timedelta(days=1),
                            expected_end_at=now + timedelta(days=1, hours=2))
    return ongoing, planned


def visit(page, path, heading):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_the_home_and_territory_pages_have_no_violation(notices, world, page, axe):
    visit(page, "/", "sites industriels")
    assert axe(page) == []

    visit(page, f"/{world.x.slug}/", "Seine-Estuaire")
    expect(page.locator("#en-cours article.notice")).to_have_count(1)
    expect(page.locator("#a-venir article.notice")).to_have_count(1)
    assert axe(page) == []


def test_the_notice_and_history_pages_have_no_violation(notices, world, page, axe):
    ongoing, _planned = notices
    visit(page, ongoing.get_absolute_url(), ongoing.title)
    assert axe(page) == []

    visit(page, f"/{world.x.slug}/historique/", "Historique")
    expect(page.get_by_text("2 messages trouvés.")).to_be_visible()
    assert axe(page) == []

    page.get_by_label("À partir du").fill("2026-03-10")
    page.get_by_label("Jusqu'au").fill("2026-03-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#erreurs")).to_contain_text("La date de fin doit être après la date de début.")
    assert axe(page) == []


def test_the_explainers_and_accessibility_statement_have_no_violation(explainers, live_server, page, axe):
    visit(page, "/comprendre/", "")
    expect(page.get_by_role("link", name="Qu'est-ce qu'un torchage ?")).to_be_visible()
    assert axe(page) == []

    visit(page, "/accessibilite/", "ccessibilité")
    assert axe(page) == []


def test_the_english_pages_have_no_violation(notices, world, page, axe):
    visit(page, f"/en/{world.x.slug}/", "industrial site activities")
    expect(page.get_by_role("link", name="Understand: What is flaring?")).to_be_visible()
    assert axe(page) == []

    visit(page, "/en/comprendre/torchage/", "What is flaring?")
    assert axe(page) == []


def test_the_partners_webhook_follow_up_page_has_no_violation(notices, world, page, axe):
    from relay import services

    webhook = services.create_webhook(world.x, "https://mairie.example/riverains", "Mairie")
    world.publish(title="Torchage « prolongé » & bruit", starts_at=timezone.now() - timedelta(minutes=5))
    visit(page, f"/relais/webhook/suivi/{services.partner_token(webhook)}/", "mairie.example")
    expect(page.locator("table")).to_contain_text("Torchage « prolongé » & bruit")
    assert axe(page) == []


def test_the_report_form_its_errors_and_its_answer_have_no_violation(transactional_db, world, page, axe):
    visit(page, f"/{world.x.slug}/signaler/", "Signaler")
    assert axe(page) == []

    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez ce que vous percevez")
    assert axe(page) == []

    page.get_by_label("Bruit").check()
    page.get_by_label("3 —").check()
    page.get_by_role("combobox", name="ou votre commune").fill("harf")
    page.get_by_role("option", name="Harfleur (76700)").click()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre signalement est enregistré")
    assert axe(page) == []


def test_the_subscribe_form_has_no_violation(transactional_db, world, page, axe):
    visit(page, f"/{world.x.slug}/abonnement/", "Recevoir les messages")
    assert axe(page) == []


def test_the_console_login_and_notice_form_have_no_violation(transactional_db, world, explainers, page, axe):
    visit(page, "/console/connexion/", "Connexion")
    assert axe(page) == []

    sign_in(page, "operator_a")
    start_notice(page, "Raffinerie de Gonfreville", "Torchage")
    expect(page.get_by_label("Titre")).to_have_value("Torchage lors de [l'arrêt / du redémarrage] de [unité]")
    assert axe(page) == []

    page.get_by_role("button", name="Programmer").click()  # the template's [passages] are still there
    expect(page.get_by_role("alert")).to_contain_text("Remplacez ou supprimez les passages entre crochets")
    assert axe(page) == []


def test_the_territory_page_fits_a_320_pixel_screen(notices, world, new_context):
    page = new_context(viewport={"width": 320, "height": 640})
    visit(page, f"/{world.x.slug}/", "Seine-Estuaire")
    expect(page.locator("#en-cours article.notice")).to_have_count(1)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
