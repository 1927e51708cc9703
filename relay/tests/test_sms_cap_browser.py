"""The pages issue 12 changed, in headless Chromium with axe-core: the console's SMS settings
with the cap reached, the subscription form refusing a number, the accessibility form at its
limit."""
import pytest

from riverains import ratelimit
from relay.alerts import REFUSED_SCOPE, SMS_CAP_SCOPE
from riverains.testing import PASSWORD
from tests.e2e.conftest import CHROMIUM, axe, browser, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
]


def test_the_console_shows_the_cap_reached_without_accessibility_violation(transactional_db, world, page, axe):  # noqa: F811
    world.x.sms_confirmations_per_hour = 2
    world.x.save()
    for _ in range(2):
        ratelimit.hit(SMS_CAP_SCOPE, world.x.pk, 2, 3600)
    for _ in range(4):
        ratelimit.hit(REFUSED_SCOPE, world.x.pk, 1, 3600)
    page.goto("/console/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill("coordinator_x")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/gestion/territoires/{world.x.slug}/")
    page.wait_for_selector("text=SMS de confirmation envoyés dans l'heure en cours : 2 sur 2 au plus.")
    page.wait_for_selector("text=Plafond atteint : 4 abonnements par SMS refusés")
    assert axe(page) == []

    page.get_by_label("Indicatifs autorisés pour les abonnements par SMS").fill("+33 Belgique")
    page.get_by_role("button", name="Enregistrer les réglages des SMS").click()
    page.wait_for_selector("text=Indicatif non reconnu : +Belgique.")
    assert axe(page) == []


def test_a_refused_number_and_the_accessibility_limit_read_well(transactional_db, world, page, axe, settings):  # noqa: F811
    page.goto(f"/{world.x.slug}/abonnement/")
    page.get_by_role("radio", name="SMS").check()
    page.get_by_label("Adresse e-mail ou numéro de téléphone mobile").fill("+44 7700 900123")
    page.get_by_role("combobox", name="Chercher une commune (nom ou code postal)").fill("76600")
    page.get_by_role("option", name="Le Havre (76600, 76610, 76620)").click()
    page.get_by_role("button", name="S'abonner").click()
    page.wait_for_selector("text=ne sont envoyés qu'aux numéros de certains pays")
    assert axe(page) == []

    settings.ACCESSIBILITY_FEEDBACK_PER_HOUR = 0
    page.goto("/accessibilite/")
    page.get_by_label("Problème rencontré").fill("La carte ne se lit pas au clavier.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_selector("text=Plusieurs signalements ont déjà été envoyés depuis votre connexion")
    assert axe(page) == []
