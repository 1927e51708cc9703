"""static/js/relay-communes.js in headless Chromium: the communes list filtered as you type,
the count spoken by the live region, chosen communes kept and sent."""
import pytest

from relay.models import Subscription
from tests.e2e.conftest import CHROMIUM, axe, browser, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]


def options(page):  # noqa: F811  (the page given, not the fixture)
    return page.locator("#id_communes option").all_text_contents()


def test_typing_filters_the_communes_and_says_how_many_match(transactional_db, world, page, axe):  # noqa: F811
    page.goto("/seine-estuaire/abonnement/")
    assert len(options(page)) == 5
    assert page.get_by_role("button", name="Chercher").is_hidden()  # the no-JavaScript search is not needed

    page.get_by_label("Chercher une commune (nom ou code postal)").fill("76700")
    page.wait_for_selector("#relay-commune-count:has-text('2 communes correspondent.')")
    assert options(page) == ["Gonfreville-l'Orcher (76700)", "Harfleur (76700)"]
    assert axe(page) == []

    page.locator("#id_communes").select_option(label="Harfleur (76700)")
    page.get_by_label("Chercher une commune (nom ou code postal)").fill("epouv")
    page.wait_for_selector("#relay-commune-count:has-text('1 commune correspond.')")
    assert sorted(options(page)) == ["Harfleur (76700)", "Épouville (76133)"]  # the chosen one stays

    page.get_by_label("Chercher une commune (nom ou code postal)").fill("zzz")
    page.wait_for_selector("#relay-commune-count:has-text('Aucune commune ne correspond')")

    page.get_by_label("Adresse e-mail ou numéro de téléphone mobile").fill("riveraine@example.test")
    page.get_by_role("button", name="S'abonner").click()
    page.wait_for_url("**/abonnement/envoye/")
    assert list(Subscription.objects.get().communes.values_list("name", flat=True)) == ["Harfleur"]
