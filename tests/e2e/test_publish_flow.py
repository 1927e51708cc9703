"""An operator publishes a flare from its template and updates it; a resident, in another
browser, sees the notice on the territory page, then the new text and the public history."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.steps import sign_in, start_notice, start_now

pytestmark = pytest.mark.browser

TITLE = "Torchage lors du redémarrage du vapocraqueur"
BODY = ("Une flamme sera visible au-dessus de la torche du site, de jour comme de nuit, pendant le "
        "redémarrage du vapocraqueur. Un grondement peut être entendu près du site.")
UPDATED_BODY = "Le redémarrage prend plus de temps que prévu : la flamme restera visible jusqu'à 20 h."
CHANGE_NOTE = "Fin prévue repoussée à 20 h"


def publish_flare_now(page):
    """From the flaring template: the operator replaces the [passages] and starts it now."""
    start_notice(page, "Raffinerie de Gonfreville", "Torchage")
    expect(page.get_by_label("Texte :")).to_have_value(re.compile(r"\[unité\]"))
    start_now(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Texte :").fill(BODY)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_role("status").first).to_contain_text("Message publié : il est visible des riverains.")


def update_with_note(page):
    page.get_by_role("link", name="Mettre à jour ou prolonger").click()
    page.get_by_label("Ce qui a changé").fill(CHANGE_NOTE)
    page.get_by_label("Texte :").fill(UPDATED_BODY)
    page.get_by_role("button", name="Publier la mise à jour").click()
    expect(page.get_by_role("status").first).to_contain_text("Message mis à jour.")


def test_a_published_then_updated_notice_reaches_residents_with_its_history(transactional_db, world, page, new_context):
    sign_in(page, "operator_a")
    publish_flare_now(page)

    resident = new_context()
    resident.goto(f"/{world.x.slug}/")
    card = resident.locator("#en-cours article.notice")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text(TITLE)
    expect(card).to_contain_text(BODY)
    expect(card).to_contain_text("Raffinerie de Gonfreville")
    expect(resident.locator("#a-venir article.notice")).to_have_count(0)

    update_with_note(page)

    resident.reload()
    resident.locator("#en-cours").get_by_role("link", name="Détails et historique").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(resident.locator("article.notice--page .notice__text")).to_contain_text(UPDATED_BODY)
    expect(resident.locator("article.notice--page .notice__text")).not_to_contain_text(BODY)
    versions = resident.locator("#versions li.revision")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Version 2")
    expect(versions.nth(0)).to_contain_text(f"Ce qui a changé : {CHANGE_NOTE}")
    resident.get_by_text("Texte de la version 1").click()  # older versions are folded
    expect(versions.nth(1).get_by_text(BODY)).to_be_visible()


def test_a_start_typed_before_the_form_script_arrives_still_labels_the_button(transactional_db, world, new_context):
    """On a slow connection the operator types a start before console-notice-form.js has run:
    once it runs, the button says what will happen with what the fields hold, not what the server
    rendered for the template's start (the next full hour: « Programmer »)."""
    page = new_context(service_workers="block")  # the site's worker would fetch the script past the route
    sign_in(page, "operator_a")
    page.goto("/console/messages/nouveau/")
    page.get_by_label("Site").select_option(label="Raffinerie de Gonfreville")
    page.get_by_label("Torchage", exact=True).check()
    held = []
    page.route(re.compile(r"console-notice-form[^/]*\.js"), lambda route: held.append(route))
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Nouveau message", level=1)).to_be_visible()
    button = page.locator("[data-publish-button]")
    expect(button).to_have_text("Programmer")
    start_now(page)
    expect(button).to_have_text("Programmer")  # the script has not run yet

    assert held, "the form's script was never asked for"
    for route in held:
        route.continue_()
    expect(button).to_have_text("Publier maintenant")
    expect(page.locator("[data-publish-hint]")).to_contain_text("visible des riverains dès maintenant")


def test_the_button_reads_the_start_in_paris_time_on_a_computer_set_to_another_zone(
        transactional_db, world, new_context):
    """The form's hours are Paris time: an operator whose laptop is set to UTC, starting a notice
    this minute, is told it publishes now (not « Programmer »), and an hour later is scheduled."""
    page = new_context(timezone_id="UTC")
    sign_in(page, "operator_a")
    start_notice(page, "Raffinerie de Gonfreville", "Torchage")
    button = page.locator("[data-publish-button]")
    start_now(page)
    expect(button).to_have_text("Publier maintenant")

    later = timezone.localtime() + timedelta(hours=1)
    start = page.get_by_role("group", name="Début")
    start.get_by_label("Date").fill(later.strftime("%Y-%m-%d"))
    start.get_by_label("Heure").fill(later.strftime("%H:%M"))
    expect(button).to_have_text("Programmer")
    expect(page.locator("[data-publish-hint]")).to_contain_text("annoncé comme programmé")
