"""The commune picker (riverains/widgets.py, static/js/commune-picker.js) in headless Chromium on
a phone: suggestions as you type, chosen communes as chips that a thumb can remove, what the
screen reader hears, and what the form sends. Errors take the focus."""
import pytest
from playwright.sync_api import expect

from relay.models import Subscription
from reports.models import Report
from tests.e2e.conftest import CHROMIUM, axe, browser, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]
SEARCH = "Chercher une commune (nom ou code postal)"


def test_typing_suggests_communes_and_chosen_ones_become_removable_chips(transactional_db, world, page, axe):  # noqa: F811
    page.goto("/seine-estuaire/abonnement/")
    assert page.locator("#id_communes").is_hidden()  # the plain list is for browsers without JavaScript
    assert page.get_by_role("button", name="Chercher").is_hidden()
    field = page.get_by_role("combobox", name=SEARCH)

    field.fill("harf")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_text(["Harfleur (76700)"])
    expect(page.locator(".picker__status").filter(has_text="1 commune correspond.")).to_have_count(1)
    assert suggestions.first.bounding_box()["height"] >= 44
    assert axe(page) == []
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", suggestions.first.get_attribute("id"))
    field.press("Enter")
    harfleur = page.get_by_role("button", name="Retirer Harfleur")
    expect(harfleur).to_be_visible()
    assert harfleur.bounding_box()["height"] >= 44
    expect(field).to_have_value("")
    expect(field).to_be_focused()

    field.fill("766")  # a postcode's start
    page.get_by_role("option", name="Le Havre (76600, 76610, 76620)").click()
    field.fill("e")
    expect(page.get_by_role("option").first).to_have_text("Épouville (76133)")  # names that start with it first
    page.get_by_role("option", name="Épouville (76133)").click()
    expect(page.get_by_role("button", name="Retirer Épouville")).to_be_visible()

    page.get_by_role("button", name="Retirer Le Havre").click()
    expect(page.get_by_role("button", name="Retirer Le Havre")).to_have_count(0)
    # Chips are in alphabetical order (Épouville, Harfleur, Le Havre): the focus goes to the one before the last.
    expect(page.get_by_role("button", name="Retirer Harfleur")).to_be_focused()
    field.fill("zzz")
    expect(page.locator(".picker__status").filter(has_text="Aucune commune ne correspond")).to_have_count(1)
    assert axe(page) == []

    page.get_by_label("Adresse e-mail ou numéro de téléphone mobile").fill("riveraine@example.test")
    page.get_by_role("button", name="S'abonner").click()
    page.wait_for_url("**/abonnement/envoye/")
    assert sorted(Subscription.objects.get().communes.values_list("name", flat=True)) == ["Harfleur", "Épouville"]


def test_errors_take_the_focus_and_name_each_field(transactional_db, world, page, axe):  # noqa: F811
    page.goto("/seine-estuaire/abonnement/")
    page.get_by_role("button", name="S'abonner").click()
    summary = page.locator("#erreurs")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choisissez au moins une commune.")
    expect(page.get_by_role("combobox", name=SEARCH)).to_be_visible()
    assert axe(page) == []
    assert not Subscription.objects.exists()


def test_the_report_forms_commune_is_picked_the_same_way(transactional_db, world, page, axe):  # noqa: F811
    page.goto("/seine-estuaire/signaler/")
    page.get_by_text("Odeur", exact=True).click()
    page.get_by_text("3 — Nette").click()
    field = page.get_by_role("combobox", name="ou votre commune")
    field.fill("epou")
    page.get_by_role("option", name="Épouville (76133)").click()
    expect(page.get_by_role("button", name="Retirer Épouville")).to_be_visible()
    field.fill("harf")
    page.get_by_role("option", name="Harfleur (76700)").click()  # one commune only: it replaces the first
    expect(page.get_by_role("button", name="Retirer Épouville")).to_have_count(0)
    assert axe(page) == []
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre signalement est enregistré")
    assert Report.objects.get().commune.name == "Harfleur"
