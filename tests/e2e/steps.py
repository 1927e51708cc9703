"""What people do in several end-to-end tests, in their words."""
from django.utils import timezone
from playwright.sync_api import expect

from riverains.testing import PASSWORD


def sign_in(page, username):
    """An operator or coordinator signs in to the console and lands on its home page."""
    page.goto("/console/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The console's menu (with "Se déconnecter") is folded behind a button on a phone.
    expect(page.get_by_role("navigation", name="Console")).to_be_visible()


def console_section(page, name):
    """The link to a section of the console's menu, after opening the menu when a phone folds it."""
    menu = page.get_by_role("button", name="Menu de la console")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    return page.get_by_role("navigation", name="Console").get_by_role("link", name=name, exact=True)


def start_notice(page, site_name, category_label):
    """Step one of a new notice: the site and what happens; the form comes back pre-filled."""
    page.goto("/console/messages/nouveau/")
    page.get_by_label("Site").select_option(label=site_name)
    page.get_by_label(category_label, exact=True).check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Nouveau message", level=1)).to_be_visible()


def start_now(page):
    """The notice form's « Début »: today, this minute (Paris time)."""
    now = timezone.localtime()
    start = page.get_by_role("group", name="Début")
    start.get_by_label("Date").fill(now.strftime("%Y-%m-%d"))
    start.get_by_label("Heure").fill(now.strftime("%H:%M"))
