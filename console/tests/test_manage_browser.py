"""The management pages' scripts in headless Chromium: the communes picker and the site map."""
import pytest

from riverains.testing import PASSWORD, communes
from tests.e2e.conftest import CHROMIUM, browser, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]


def sign_in(page, username):
    page.goto("/console/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/console/")


def test_the_communes_picker_suggests_as_you_type_and_adds(transactional_db, world, page):  # noqa: F811
    communes("76254")  # Étretat
    sign_in(page, "coordinator_x")
    page.goto(f"/console/gestion/territoires/{world.x.slug}/communes/")
    page.get_by_label("Nom, code postal ou EPCI").fill("etret")
    page.get_by_role("button", name="Ajouter Étretat").click()
    page.wait_for_selector("text=Commune ajoutée : Étretat (76790).")
    assert world.x.communes.filter(code="76254").exists()


def test_clicking_the_site_map_fills_the_coordinates(transactional_db, world, page):  # noqa: F811
    sign_in(page, "coordinator_x")
    page.goto(f"/console/gestion/sites/{world.site_a.pk}/modifier/")
    page.wait_for_selector(".site-map--active")
    page.locator("[data-site-map]").click(position={"x": 200, "y": 120})
    latitude = page.get_by_label("Latitude").input_value()
    assert latitude != "49.48700" and len(latitude.split(".")[1]) == 5
    page.get_by_role("button", name="Enregistrer le site").click()
    page.wait_for_selector("text=Site enregistré.")
    world.site_a.refresh_from_db()
    assert f"{world.site_a.latitude}" == latitude


def test_choosing_the_commune_of_a_new_site_brings_the_map_there(transactional_db, world, page):  # noqa: F811
    sign_in(page, "coordinator_x")
    page.goto(f"/console/gestion/adherents/{world.org_a.pk}/sites/nouveau/")
    page.wait_for_selector(".site-map--active")
    page.locator("select[name=commune]").select_option(label="Épouville")
    page.wait_for_timeout(400)  # the map's move
    page.locator("[data-site-map]").click(position={"x": 200, "y": 120})
    latitude = float(page.get_by_label("Latitude").input_value())
    longitude = float(page.get_by_label("Longitude").input_value())
    # A click near the map's middle lands in Épouville (centre about 49.56 N, 0.22 E), not in France's middle.
    assert abs(latitude - 49.56) < 0.03 and abs(longitude - 0.22) < 0.05, (latitude, longitude)
