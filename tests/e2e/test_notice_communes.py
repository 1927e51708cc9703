"""The notice form's affected communes on a 390 px phone, in a territory as large as the demo's
Seine-Estuaire (104 communes): a search with removable chips, the site's neighbours chosen
already and the site on a small map; without JavaScript, a search that reloads the form and
keeps what was typed. The form's height is printed (it was 7,400 px with one checkbox per commune)."""
import re

import pytest
from playwright.sync_api import expect

from notices.models import Notice
from riverains.testing import communes, make_user
from territories import reference
from territories.models import Membership, Organization, Role, Site, Territory
from tests.e2e.steps import start_now

pytestmark = pytest.mark.browser

EPCIS = ("200084952", "200010700")  # Le Havre Seine Métropole, Caux Seine Agglo: 104 communes
NEIGHBOURS = ("76305", "76341", "76533", "76489", "76660", "76296", "76351")
TITLE = "Torchage lors du redémarrage du vapocraqueur"
BODY = "Une flamme sera visible au-dessus de la torche du site, de jour comme de nuit, pendant le redémarrage."


@pytest.fixture
def estuary(transactional_db, explainers):
    codes = [r["code"] for r in reference.read(reference.COMMUNES_FILE) if r["epci"] in EPCIS]
    territory = Territory.objects.create(slug="seine-estuaire", name="Seine-Estuaire", toll_free_number="0 800 00 00 01")
    territory.communes.set(communes(*codes))
    organization = Organization.objects.create(territory=territory, name="Raffinerie Exemple")
    site = Site.objects.create(organization=organization, name="Raffinerie de Gonfreville", slug="raffinerie",
                               commune_id="76305", latitude="49.49900", longitude="0.25700")
    site.neighbouring_communes.set(NEIGHBOURS)
    operator = make_user("operateur")
    Membership.objects.create(user=operator, role=Role.OPERATOR, organization=organization)
    assert territory.communes.count() == 104
    return site


def sign_in(page):
    page.goto("/console/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill("operateur")
    page.get_by_label("Mot de passe").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/console/")


def open_flare_form(page, site):
    page.goto(f"/console/messages/nouveau/?site={site.pk}&categorie=torchage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau message")


def form_height(page):
    return page.evaluate("document.querySelector('form.notice-form').getBoundingClientRect().height")


def communes_height(page):
    return page.evaluate("document.querySelector('.notice-communes').getBoundingClientRect().height")


def page_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def fill_text_and_start_now(page):
    start_now(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Texte :").fill(BODY)


def test_on_a_phone_communes_are_chips_found_by_search(estuary, page, axe):
    sign_in(page)
    open_flare_form(page, estuary)
    height = form_height(page)
    communes_height_before_changes = communes_height(page)
    print(f"\nNOTICE FORM at 390 px, 104 communes, JavaScript on: form {height:.0f} px, page {page_height(page)} px, "
          f"communes {communes_height(page):.0f} px")
    chips = page.locator(".picker__chip")
    expect(chips).to_have_count(7)  # the site's neighbours, chosen already
    expect(page.locator("[data-notice-map].notice-map--active")).to_be_visible()
    dots = page.locator("[data-notice-map] path.leaflet-interactive, [data-notice-map] .notice-map__map svg path")
    expect(dots).to_have_count(8)  # the site and its 7 neighbours
    assert axe(page) == []

    page.get_by_role("button", name="Retirer Le Havre").click()
    expect(chips).to_have_count(6)
    expect(dots).to_have_count(7)  # the map follows the chips
    search = page.get_by_role("combobox", name="Chercher une commune")
    search.fill("etretat")
    page.get_by_role("option", name=re.compile("Étretat")).click()
    expect(chips).to_have_count(7)
    expect(page.get_by_role("button", name="Retirer Étretat")).to_be_visible()
    search.fill("harf")
    expect(page.get_by_role("option", name=re.compile("^Harfleur"))).to_have_count(0)  # chosen already
    assert axe(page) == []

    fill_text_and_start_now(page)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_role("status").first).to_contain_text("Message publié")
    notice = Notice.objects.get(title=TITLE)
    chosen = set(notice.communes.values_list("code", flat=True))
    assert chosen == (set(NEIGHBOURS) - {"76351"}) | {"76254"}
    assert communes_height_before_changes < 1200  # one checkbox per commune took 5,000 px


def test_without_javascript_a_search_reloads_the_form_and_keeps_what_was_typed(estuary, new_context, axe):
    # Without the page's scripts (blocked): java_script_enabled=False would stop axe-core too.
    page = new_context()
    page.route(re.compile(r"\.js(\?|$)"), lambda route: route.abort())
    sign_in(page)
    open_flare_form(page, estuary)
    print(f"\nNOTICE FORM at 390 px, 104 communes, without JavaScript: form {form_height(page):.0f} px, "
          f"page {page_height(page)} px, communes {communes_height(page):.0f} px")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Chercher une commune").fill("etretat")
    page.get_by_role("button", name="Chercher la commune").click()
    expect(page.get_by_label("Titre")).to_have_value(TITLE)
    expect(page.get_by_text("1 commune correspond.")).to_be_visible()
    communes_select = page.get_by_label("Communes choisies")
    options = communes_select.locator("option")
    # Étretat, and the seven neighbours still chosen: nothing typed or chosen is lost.
    expect(options).to_have_count(8)
    expect(communes_select.locator("option:checked")).to_have_count(7)
    assert page.locator(".form-errors").count() == 0  # a search is not a failed submission
    assert communes_height(page) < 1200
    assert axe(page) == []
    communes_select.select_option(label=[label.strip() for label in options.all_text_contents()])  # all eight
    fill_text_and_start_now(page)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_role("status").first).to_contain_text("Message publié")
    assert set(Notice.objects.get(title=TITLE).communes.values_list("code", flat=True)) == set(NEIGHBOURS) | {"76254"}
