"""A network coordinator puts a new territory on the air from the console, as they would by hand:
the territory, its communes (a whole EPCI in one click), a member and its site, an invitation
that the operator accepts, the accessibility status, a test notice published then withdrawn,
and "Publier le territoire". The public sees nothing until then.

The test counts the fields filled and the clicks made by the coordinator and times the run
(without axe-core's checks); it prints them and asserts no time, only the outcome. Every page
on the way is checked with axe-core."""
import re
import time
from dataclasses import dataclass, field

import pytest
from django.core import mail
from playwright.sync_api import expect

from relay.sender import send_pending
from riverains.testing import PASSWORD, communes, make_user
from territories import reference
from territories.models import Epci, Territory
from territories.services import grant_network_coordination
from tests.e2e.steps import console_section

pytestmark = pytest.mark.browser

LE_HAVRE_SEINE_METROPOLE = "200084952"
GONFREVILLE = "76305"
OPERATOR_EMAIL = "redactrice@raffinerie-demo.test"
MANAGE = "Territoires et adhérents"  # the console menu's section


@pytest.fixture
def reference_epci(transactional_db):
    """The 54 communes of Le Havre Seine Métropole and the EPCI's real name (a slice of the
    shipped reference data: loading all 35,000 communes would take longer than the test)."""
    codes = [r["code"] for r in reference.read(reference.COMMUNES_FILE) if r["epci"] == LE_HAVRE_SEINE_METROPOLE]
    communes(*codes)
    name = next(r["name"] for r in reference.read(reference.EPCI_FILE) if r["code"] == LE_HAVRE_SEINE_METROPOLE)
    Epci.objects.filter(code=LE_HAVRE_SEINE_METROPOLE).update(name=name)
    return name


@dataclass
class Coordinator:
    """The coordinator's hands: every field filled and every click is counted; axe-core's time
    is kept out of the clock."""

    page: object
    axe: object
    fields: int = 0
    clicks: int = 0
    checked: list = field(default_factory=list)
    paused: float = 0.0

    def fill(self, locator, value):
        locator.fill(value)
        self.fields += 1

    def choose(self, locator, **option):
        locator.select_option(**option)
        self.fields += 1

    def tick(self, locator):
        locator.check()
        self.fields += 1

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def press(self, locator, key):
        """A key that acts like a click (Enter chooses a suggestion)."""
        locator.press(key)
        self.clicks += 1

    def no_violation(self, heading):
        """The page is the one expected, and axe-core finds nothing (time not counted)."""
        started = time.monotonic()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert self.axe(self.page) == [], heading
        self.checked.append(heading)
        self.paused += time.monotonic() - started


def sign_in(page, username, counter=None):
    page.goto("/console/connexion/")
    fill = counter.fill if counter else (lambda locator, value: locator.fill(value))
    click = counter.click if counter else (lambda locator: locator.click())
    fill(page.get_by_label("Identifiant ou adresse e-mail"), username)
    fill(page.get_by_label("Mot de passe"), PASSWORD)
    click(page.get_by_role("button", name="Se connecter"))
    expect(page.get_by_role("navigation", name="Console")).to_be_visible()


def invitation_link():
    (message,) = [m for m in mail.outbox if OPERATOR_EMAIL in m.to]
    return re.search(r"https?://\S+/console/invitation/\S+/", message.body).group(0)


def the_operator_accepts_and_signs_in(new_context, live_server):
    """In their own browser: the link from the e-mail, a password, then the sign-in."""
    operator = new_context()
    operator.goto(invitation_link().replace("http://127.0.0.1:8000", live_server.url))
    expect(operator.get_by_role("heading", level=1)).to_have_text("Accepter l'invitation")
    password_fields = operator.locator("input[type=password]")
    password_fields.nth(0).fill(PASSWORD)
    password_fields.nth(1).fill(PASSWORD)
    operator.get_by_role("button", name="Créer mon compte").click()
    sign_in(operator, OPERATOR_EMAIL)


def test_a_network_coordinator_puts_a_new_territory_on_the_air(
    transactional_db, live_server, new_context, axe, reference_epci, explainers
):
    network = make_user("reseau")
    grant_network_coordination(network)
    resident = new_context()
    page = new_context(viewport={"width": 1280, "height": 900})  # a coordinator at their desk
    me = Coordinator(page, axe)
    started = time.monotonic()

    # 1. The territory.
    sign_in(page, "reseau", me)
    me.click(console_section(page, MANAGE))
    me.click(page.get_by_role("link", name="Nouveau territoire"))
    me.no_violation("Nouveau territoire")
    me.fill(page.get_by_label(re.compile(r"^Nom\W*$")), "Estuaire de la Seine")
    me.fill(page.get_by_label("Structure coordinatrice"), "CCI Seine Estuaire")
    me.fill(page.get_by_label("Numéro vert"), "0 800 76 00 76")
    me.click(page.get_by_role("button", name="Créer le territoire"))
    expect(page.get_by_role("status").first).to_contain_text("Territoire créé : Estuaire de la Seine.")
    territory = Territory.objects.get(slug="estuaire-de-la-seine")
    assert resident.goto("/estuaire-de-la-seine/").status == 404

    # 2. Its communes: a whole EPCI in one click.
    me.no_violation("Communes couvertes par Estuaire de la Seine")
    me.fill(page.get_by_label("Nom, code postal ou EPCI"), "havre seine")
    me.click(page.get_by_role("button", name=f"Ajouter toutes les communes de {reference_epci}"))
    expect(page.get_by_role("status").first).to_contain_text(f"54 communes de {reference_epci} sont couvertes.")

    # 3. A member and its site, with typed coordinates.
    me.click(page.get_by_role("link", name="Étape suivante : les adhérents et leurs sites"))
    me.no_violation("Nouvel adhérent de Estuaire de la Seine")
    me.fill(page.get_by_label("Nom"), "Raffinerie Démo de l'Estuaire")
    me.click(page.get_by_role("button", name="Enregistrer"))
    me.click(page.get_by_role("link", name="Nouveau site"))
    me.no_violation("Nouveau site de Raffinerie Démo de l'Estuaire")
    me.fill(page.get_by_label(re.compile(r"^Nom\W*$")), "Raffinerie de Gonfreville")
    me.choose(page.get_by_label(re.compile(r"^Commune\W*$")), value=GONFREVILLE)
    me.fill(page.get_by_label("Latitude"), "49,48700")
    me.fill(page.get_by_label("Longitude"), "0,23500")
    me.choose(page.get_by_label("Statut Seveso"), value="seuil_haut")
    neighbours = page.get_by_role("combobox", name="Communes voisines")
    for typed in ("harf", "gonfr"):  # Harfleur, Gonfreville-l'Orcher: one suggestion each
        me.fill(neighbours, typed)
        me.press(neighbours, "Enter")
    expect(page.locator(".picker__chip")).to_have_count(2)
    me.click(page.get_by_role("button", name="Enregistrer le site"))
    expect(page.get_by_role("status").first).to_contain_text("Site créé : Raffinerie de Gonfreville.")
    me.click(page.get_by_role("link", name="Retour à la mise en service du territoire"))
    me.no_violation("Réglages du territoire Estuaire de la Seine")

    # 4. An invitation; the operator accepts it and signs in, in their own browser.
    me.click(page.get_by_role("link", name="Inviter un rédacteur"))
    me.no_violation("Inviter quelqu'un")
    me.fill(page.get_by_label("Adresse e-mail de la personne invitée"), OPERATOR_EMAIL)
    me.click(page.get_by_role("button", name="Envoyer l'invitation"))
    expect(page.get_by_role("status").first).to_contain_text(OPERATOR_EMAIL)
    send_pending()  # the relay's sender, which production runs all the time, sends the e-mail
    the_operator_accepts_and_signs_in(new_context, live_server)

    # 5. The accessibility status.
    me.click(console_section(page, MANAGE))
    me.click(page.get_by_role("link", name="Mise en service, réglages et partenaires"))
    me.tick(page.get_by_label("partiellement conforme"))
    me.click(page.get_by_role("button", name="Confirmer l'état de conformité"))
    expect(page.get_by_role("status").first).to_contain_text("État de conformité confirmé : partiellement conforme.")

    # 6. A test notice, published then withdrawn.
    me.click(page.get_by_role("link", name="Publier un message d'essai"))
    me.no_violation("Nouveau message")
    me.click(page.get_by_role("button", name="Programmer"))
    expect(page.get_by_role("status").first).to_contain_text("Message programmé")
    me.fill(page.get_by_label("Motif public du retrait"), "Message d'essai de la mise en service.")
    me.tick(page.get_by_label("Je confirme le retrait de ce message."))
    me.click(page.get_by_role("button", name="Retirer le message"))
    expect(page.get_by_role("status").first).to_contain_text("Message retiré.")

    # 7. Every step done: publish.
    me.click(console_section(page, MANAGE))
    me.click(page.get_by_role("link", name="Mise en service, réglages et partenaires"))
    expect(page.locator(".launch-checklist__step--todo")).to_have_count(0)
    me.no_violation("Réglages du territoire Estuaire de la Seine")
    assert resident.goto("/estuaire-de-la-seine/").status == 404
    me.click(page.get_by_role("button", name="Publier le territoire"))
    expect(page.get_by_role("status").first).to_contain_text("Le territoire Estuaire de la Seine est publié")
    elapsed = time.monotonic() - started - me.paused

    territory.refresh_from_db()
    assert territory.is_published and territory.communes.count() == 54
    site = territory.organizations.get().sites.get()
    assert sorted(site.neighbouring_communes.values_list("name", flat=True)) == ["Gonfreville-l'Orcher", "Harfleur"]
    resident.goto("/")
    expect(resident.get_by_role("link", name="Estuaire de la Seine")).to_be_visible()
    resident.goto("/estuaire-de-la-seine/")
    expect(resident.get_by_role("heading", level=1)).to_contain_text("Estuaire de la Seine")
    print(f"\nNEW TERRITORY: {me.fields} fields filled, {me.clicks} clicks by the coordinator, "
          f"{elapsed:.1f} s in the browser (axe-core not counted; {len(me.checked)} pages checked)")
