"""Territory settings, communes covered (one by one or by EPCI) and partners."""
from django.urls import reverse
from django.utils.html import escape

from riverains.testing import communes
from territories import reference
from territories.models import Territory

LE_HAVRE_SEINE_METROPOLE = "200084952"  # 54 communes; 4 of territory X's 5 communes are in it


def communes_of_epci(code):
    return communes(*[r["code"] for r in reference.read(reference.COMMUNES_FILE) if r["epci"] == code])


def settings_data(territory, **overrides):
    data = {
        "name": territory.name, "presentation": territory.presentation, "toll_free_number": territory.toll_free_number,
        "contact_email": "", "contact_phone": "", "coordinator_name": "CCI Seine Estuaire",
        "siren_advice": territory.siren_advice, "accessibility_status": "partiellement_conforme",
    }
    data.update(overrides)
    return data


def test_a_coordinator_edits_the_territory_settings(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:territory_edit", args=[world.x.slug]),
                           settings_data(world.x, contact_phone="02 35 00 00 00", require_two_factor="on"))
    assert response.status_code == 302
    x = Territory.objects.get(pk=world.x.pk)
    assert (x.coordinator_name, x.contact_phone, x.require_two_factor) == ("CCI Seine Estuaire", "02 35 00 00 00", True)


def test_a_bad_phone_number_is_refused_in_french_and_nothing_changes(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:territory_edit", args=[world.x.slug]),
                           settings_data(world.x, toll_free_number="12", coordinator_name="Autre"))
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone français" in response.content.decode()
    x = Territory.objects.get(pk=world.x.pk)
    assert (x.toll_free_number, x.coordinator_name) == ("0 800 00 76 00", "")


def test_adding_an_epci_adds_all_its_communes(client, world):
    epci_communes = communes_of_epci(LE_HAVRE_SEINE_METROPOLE)
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:territory_communes", args=[world.x.slug]),
                           {"action": "add_epci", "epci": LE_HAVRE_SEINE_METROPOLE}, follow=True)
    covered = set(world.x.communes.values_list("code", flat=True))
    assert {c.code for c in epci_communes} <= covered
    assert len(covered) == 55  # the 54 of the EPCI, and Rogerville which is in another one
    assert "54 communes de" in response.content.decode()


def test_adding_an_unknown_epci_is_refused_in_french(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:territory_communes", args=[world.x.slug]),
                           {"action": "add_epci", "epci": "999999999"}, follow=True)
    assert escape("Cet EPCI n'existe pas dans le référentiel.") in response.content.decode()
    assert world.x.communes.count() == 5


def test_a_commune_is_added_and_removed_one_by_one(client, world):
    (etretat,) = communes("76254")
    client.force_login(world.coordinator_x)
    url = reverse("console:territory_communes", args=[world.x.slug])
    client.post(url, {"action": "add", "commune": "76254"})
    assert world.x.communes.filter(pk=etretat.pk).exists()
    client.post(url, {"action": "remove", "commune": "76254"})
    assert not world.x.communes.filter(pk=etretat.pk).exists()


def test_a_commune_hosting_a_site_cannot_be_removed(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:territory_communes", args=[world.x.slug]),
                           {"action": "remove", "commune": world.site_a.commune_id}, follow=True)
    assert "accueille un site du territoire" in response.content.decode()
    assert world.x.communes.filter(pk=world.site_a.commune_id).exists()


def test_commune_search_finds_by_name_without_accents_and_by_postcode(client, world):
    communes("76254", "76238")
    client.force_login(world.coordinator_x)
    url = reverse("console:commune_search")
    assert url == "/console/gestion/communes"
    by_name = client.get(url, {"q": "etretat"}).json()
    assert [c["code"] for c in by_name["communes"]] == ["76254"]
    assert by_name["communes"][0]["label"] == "Étretat (76790)"
    by_postcode = client.get(url, {"q": "76133"}).json()
    assert [c["code"] for c in by_postcode["communes"]] == ["76238"]
    assert client.get(url, {"q": "e"}).json() == {"communes": [], "epcis": []}


def test_commune_search_is_for_signed_in_users_only(client, world):
    response = client.get(reverse("console:commune_search"), {"q": "havre"})
    assert response.status_code == 302


def test_without_javascript_the_search_lists_communes_and_epcis_to_add(client, world):
    communes_of_epci(LE_HAVRE_SEINE_METROPOLE)
    from territories.models import Epci
    Epci.objects.filter(code=LE_HAVRE_SEINE_METROPOLE).update(name="Le Havre Seine Métropole")
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:territory_communes", args=[world.x.slug]), {"q": "havre"}).content.decode()
    assert 'name="epci" value="200084952"' in page and "Ajouter toutes les communes de Le Havre Seine Métropole" in page
    assert 'name="commune" value="76351"' in page


def test_partners_are_added_and_removed(client, world):
    client.force_login(world.coordinator_x)
    url = reverse("console:partner_add", args=[world.x.slug])
    response = client.post(url, {"partenaire-name": "Atmo <Normandie>", "partenaire-url": "atmonormandie.fr",
                                 "partenaire-description": "qualité de l'air"})
    assert response.status_code == 302
    partner = world.x.partners.get()
    assert partner.url == "https://atmonormandie.fr"
    page = client.get(reverse("console:territory_edit", args=[world.x.slug])).content.decode()
    assert "Atmo &lt;Normandie&gt;" in page and "Atmo <Normandie>" not in page
    client.post(reverse("console:partner_remove", args=[world.x.slug, partner.pk]))
    assert not world.x.partners.exists()


def test_a_partner_without_name_is_refused_in_french(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:partner_add", args=[world.x.slug]), {"partenaire-name": "", "partenaire-url": "pas une adresse"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce champ est obligatoire" in page and "Saisissez une URL valide" in page
    assert not world.x.partners.exists()


def test_a_coordinator_cannot_remove_another_territorys_partner(client, world):
    partner = world.y.partners.create(name="Mairie de Martigues")
    client.force_login(world.coordinator_x)
    assert client.post(reverse("console:partner_remove", args=[world.y.slug, partner.pk])).status_code == 404
    assert client.post(reverse("console:partner_remove", args=[world.x.slug, partner.pk])).status_code == 404
    assert world.y.partners.exists()


def test_organization_names_are_unique_in_a_territory(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:organization_create", args=[world.x.slug]), {"name": world.org_b.name})
    assert "Un adhérent porte déjà ce nom dans ce territoire." in response.content.decode()
    assert world.x.organizations.count() == 2
