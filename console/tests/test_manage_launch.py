"""A new territory from the console: who may create one, the go-live checklist, and publishing.
An unpublished territory is invisible to the public (not listed, its pages answer 404)."""
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from console import launch
from notices import services as notice_services
from riverains.testing import communes, make_user
from territories.models import Membership, Organization, Role, Site, Territory
from territories.services import grant_network_coordination

NEW = {"name": "Vallée de la Chimie", "slug": "", "coordinator_name": "CCI Lyon Métropole",
       "toll_free_number": "", "contact_email": ""}


@pytest.fixture
def network(db):
    user = make_user("reseau")
    grant_network_coordination(user)
    return user


def create(client, **overrides):
    return client.post(reverse("console:territory_create"), {**NEW, **overrides})


def test_a_network_coordinator_creates_an_unpublished_territory_and_coordinates_it(client, world, network):
    client.force_login(network)
    assert "Nouveau territoire" in client.get(reverse("console:manage")).content.decode()
    response = create(client)
    territory = Territory.objects.get(name="Vallée de la Chimie")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:territory_communes", args=["vallee-de-la-chimie"])
    assert (territory.slug, territory.coordinator_name, territory.is_published) == (
        "vallee-de-la-chimie", "CCI Lyon Métropole", False)
    assert Membership.objects.filter(user=network, role=Role.COORDINATOR, territory=territory).exists()
    # …and only that one: a network coordinator's network is the territories they created.
    assert list(Territory.objects.for_user(network)) == [territory]


def test_the_superuser_creates_a_territory_without_taking_a_role_in_it(client, world):
    client.force_login(world.superuser)
    create(client, slug="chimie")
    territory = Territory.objects.get(slug="chimie")
    assert not territory.memberships.exists()


@pytest.mark.parametrize("username", ["coordinator_x", "operator_a"])
def test_coordinators_and_operators_may_not_create_territories(client, world, username):
    client.force_login(getattr(world, username))
    assert "Nouveau territoire" not in client.get(reverse("console:manage")).content.decode()
    assert client.get(reverse("console:territory_create")).status_code == 403
    assert create(client).status_code == 403
    assert not Territory.objects.filter(name="Vallée de la Chimie").exists()


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, world):
    assert create(client).status_code == 302
    assert not Territory.objects.filter(name="Vallée de la Chimie").exists()


@pytest.mark.parametrize("slug, message", [
    ("seine-estuaire", "L'adresse « seine-estuaire » est déjà prise"),
    ("admin", "« admin » est réservé"),
    ("nouveau", "« nouveau » est réservé"),
    ("Pas un identifiant", "Ce champ ne doit contenir que des lettres"),
])
def test_a_taken_reserved_or_malformed_address_is_refused_in_french(client, world, network, slug, message):
    client.force_login(network)
    response = create(client, slug=slug)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Territory.objects.filter(name="Vallée de la Chimie").exists()


def test_a_bad_toll_free_number_is_refused_in_french(client, world, network):
    client.force_login(network)
    response = create(client, toll_free_number="0800")
    assert "Saisissez un numéro de téléphone français" in response.content.decode()
    assert not Territory.objects.filter(name="Vallée de la Chimie").exists()


def unpublished_territory(network):
    territory = Territory.objects.create(slug="chimie", name="Vallée de la Chimie", is_published=False)
    Membership.objects.create(user=network, role=Role.COORDINATOR, territory=territory)
    return territory


def test_an_unpublished_territory_is_not_listed_and_its_pages_answer_404(client, world, network):
    territory = unpublished_territory(network)
    (commune,) = communes("69199")
    territory.communes.add(commune)
    org = Organization.objects.create(territory=territory, name="Chimie Démo")
    site = Site.objects.create(organization=org, name="Usine Démo", slug="usine", commune=commune,
                               latitude="45.70000", longitude="4.82000")
    assert territory.name not in client.get("/").content.decode()
    for url in ["/chimie/", "/chimie/historique/", "/chimie/abonnement/", site.get_absolute_url(),
                "/api/v1/territories/chimie"]:
        assert client.get(url).status_code == 404, url
    assert "chimie" not in client.get("/api/v1/territories").content.decode()


def do_everything_but(world, territory, network, skip=None):
    """Every step of the checklist, as the console's pages would, except `skip`."""
    (commune,) = communes("69199")
    territory.communes.add(commune)
    org = Organization.objects.create(territory=territory, name="Chimie Démo")
    site = Site.objects.create(organization=org, name="Usine Démo", slug="usine", commune=commune,
                               latitude="45.70000", longitude="4.82000")
    site.neighbouring_communes.add(commune)
    operator = make_user("redacteur_chimie")
    Membership.objects.create(user=operator, role=Role.OPERATOR, organization=org)
    if skip != "operator":
        operator.last_login = timezone.now()
        operator.save()
    if skip != "phone":
        territory.toll_free_number = "0 800 69 00 00"
        territory.save()
    if skip != "accessibility":
        launch.confirm_accessibility(territory, "partiellement_conforme")
    if skip != "test_notice":
        notice = notice_services.publish(network, world.notice_fields(site=site, title="Message d'essai"))
        notice_services.withdraw(network, notice, "Message d'essai avant la mise en service.")
    if skip == "site":
        site.is_active = False
        site.save()


@pytest.mark.parametrize("skip", ["site", "operator", "phone", "accessibility", "test_notice"])
def test_a_territory_is_not_published_while_a_step_is_missing(client, world, network, skip):
    territory = unpublished_territory(network)
    do_everything_but(world, territory, network, skip=skip)
    assert [step.key for step in launch.missing(territory)] == [skip]
    client.force_login(network)
    response = client.post(reverse("console:territory_publish", args=[territory.slug]))
    assert response.status_code == 400
    assert "Le territoire ne peut pas encore être publié" in response.content.decode()
    territory.refresh_from_db()
    assert not territory.is_published
    assert client.get("/chimie/").status_code == 404


def test_the_checklist_shows_what_is_done_and_what_is_left(client, world, network):
    territory = unpublished_territory(network)
    client.force_login(network)
    page = client.get(reverse("console:territory_edit", args=[territory.slug])).content.decode()
    assert page.count("à faire") == 6 and "Mise en service" in page
    do_everything_but(world, territory, network, skip="phone")
    page = client.get(reverse("console:territory_edit", args=[territory.slug])).content.decode()
    assert page.count("launch-checklist__step--done") == 5
    assert page.count("launch-checklist__step--todo") == 1 and "Renseigner le numéro" in page


def test_when_every_step_is_done_the_coordinator_publishes_the_territory(client, world, network):
    territory = unpublished_territory(network)
    do_everything_but(world, territory, network)
    client.force_login(network)
    response = client.post(reverse("console:territory_publish", args=[territory.slug]), follow=True)
    assert "Le territoire Vallée de la Chimie est publié" in response.content.decode()
    territory.refresh_from_db()
    assert territory.is_published
    client.logout()
    assert client.get("/chimie/").status_code == 200
    assert client.get("/api/v1/territories/chimie").status_code == 200
    assert "Vallée de la Chimie" in client.get("/").content.decode()


def test_another_territorys_coordinator_cannot_publish_it(client, world, network):
    territory = unpublished_territory(network)
    do_everything_but(world, territory, network)
    client.force_login(world.coordinator_x)
    assert client.post(reverse("console:territory_publish", args=[territory.slug])).status_code == 404
    territory.refresh_from_db()
    assert not territory.is_published


def test_the_coordinator_confirms_the_accessibility_status(client, world, network):
    territory = unpublished_territory(network)
    client.force_login(network)
    url = reverse("console:territory_accessibility", args=[territory.slug])
    response = client.post(url, {"accessibilite-accessibility_status": "non_conforme"})
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.accessibility_status == "non_conforme" and territory.accessibility_confirmed_at
    response = client.post(url, {"accessibilite-accessibility_status": "parfait"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()


def test_the_test_notice_link_opens_the_notice_form_filled_as_a_test(client, world, network):
    territory = unpublished_territory(network)
    do_everything_but(world, territory, network, skip="test_notice")
    step = next(step for step in launch.checklist(territory) if step.key == "test_notice")
    client.force_login(network)
    page = client.get(step.action_url).content.decode()
    assert "Message d&#x27;essai" in page and "Nouveau message" in page


def ids_in(html):
    return [m for m in re.findall(r'\bid="([^"]*)"', html)]


@pytest.mark.parametrize("name, args", [("territory_edit", ["seine-estuaire"]), ("territory_create", [])])
def test_every_id_is_unique_on_the_territory_pages(client, world, name, args):
    client.force_login(world.superuser)
    Territory.objects.filter(pk=world.x.pk).update(is_published=False)  # the checklist shows too
    html = client.get(reverse(f"console:{name}", args=args)).content.decode()
    duplicates = [i for i, n in Counter(ids_in(html)).items() if n > 1]
    assert duplicates == []
    assert 'id="id_name"' in html
    if name == "territory_edit":
        assert 'id="id_partenaire-name"' in html


def test_a_coordinate_typed_as_text_is_refused_with_a_french_example(client, world):
    client.force_login(world.coordinator_x)
    data = {"name": "Dépôt", "slug": "", "commune": "76476", "latitude": "49°28'", "longitude": "200",
            "seveso": "non_seveso", "description": ""}
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]), data)
    page = response.content.decode()
    assert "Saisissez un nombre décimal entre -90 et 90, par exemple 49,48700." in page
    assert "Saisissez un nombre décimal entre -180 et 180, par exemple 0,23500." in page
    form = client.get(reverse("console:site_create", args=[world.org_a.pk])).content.decode()
    latitude = re.search(r'<input[^>]*name="latitude"[^>]*>', form).group(0)
    assert 'inputmode="decimal"' in latitude and 'pattern="' in latitude and 'type="text"' in latitude


def test_the_site_form_picks_neighbouring_communes_by_search_not_by_checkbox(client, world):
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:site_edit", args=[world.site_a.pk])).content.decode()
    select = re.search(r'<select name="neighbouring_communes".*?</select>', page, re.S).group(0)
    assert "data-commune-picker" in select and "js/commune-picker.js" in page
    assert 'type="checkbox" name="neighbouring_communes"' not in page
    assert '<option value="76238">Épouville (76133)</option>' in select  # name and postcode: both searched
    assert select.count(" selected>") == 3
