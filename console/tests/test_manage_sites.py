"""Creating and editing industrial sites."""
import json
import re

from django.urls import reverse
from django.utils.html import escape

from riverains.testing import communes
from territories.models import Site

from .test_manage_permissions import site_data


def new_site_data(world, **overrides):
    data = {
        "name": "Dépôt pétrolier de Rogerville", "slug": "", "commune": "76476",
        "latitude": "49,46012", "longitude": "0.26543", "seveso": "seuil_haut",
        "description": "Stockage d'hydrocarbures.", "neighbouring_communes": ["76476", "76305"],
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_site_with_a_slug_from_its_name(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]), new_site_data(world))
    assert response.status_code == 302
    site = Site.objects.get(name="Dépôt pétrolier de Rogerville")
    assert site.slug == "depot-petrolier-de-rogerville"
    assert site.organization == world.org_a
    assert str(site.latitude) == "49.46012"  # typed with a French decimal comma
    assert sorted(c.code for c in site.neighbouring_communes.all()) == ["76305", "76476"]


def test_it_refuses_coordinates_outside_france(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]),
                           new_site_data(world, latitude="40.71280", longitude="-74.00600"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "hors de France" in page and page.count("hors de France") == 1
    assert not Site.objects.filter(name="Dépôt pétrolier de Rogerville").exists()


def test_it_refuses_moving_a_site_outside_france(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_edit", args=[world.site_a.pk]),
                           site_data(world.site_a, latitude="55.75", longitude="37.61"))
    assert "hors de France" in response.content.decode()
    world.site_a.refresh_from_db()
    assert str(world.site_a.latitude) == "49.48700"


def test_it_refuses_a_commune_outside_the_territory(client, world):
    communes("13056")  # Martigues exists, but belongs to territory Y
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]), new_site_data(world, commune="13056"))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Site.objects.filter(name="Dépôt pétrolier de Rogerville").exists()


def test_it_refuses_a_slug_already_used_by_the_same_organization(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]),
                           new_site_data(world, slug=world.site_a.slug))
    assert escape("a déjà l'identifiant « raffinerie »") in response.content.decode()
    assert Site.objects.filter(organization=world.org_a).count() == 1


def test_it_refuses_text_instead_of_coordinates_in_french(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_create", args=[world.org_a.pk]),
                           new_site_data(world, latitude="au nord"))
    assert "Saisissez un nombre" in response.content.decode()


def test_site_form_has_the_map_and_works_without_it(client, world):
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:site_edit", args=[world.site_a.pk])).content.decode()
    assert "data-site-map" in page and "console-site-map.js" in page and "vendor/leaflet/leaflet.js" in page
    assert 'name="latitude"' in page and 'value="49.48700"' in page


def test_site_text_is_escaped_on_the_console(client, world):
    world.site_a.description = "<script>alert(1)</script>"
    world.site_a.name = "Usine <b>grasse</b>"
    world.site_a.save()
    client.force_login(world.operator_a)
    page = client.get(reverse("console:site_detail", args=[world.site_a.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Usine &lt;b&gt;grasse&lt;/b&gt;" in page


def test_the_site_form_lists_its_commune_in_french_order_with_each_centre(client, world):
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:site_create", args=[world.org_a.pk])).content.decode()
    select = re.search(r'<select name="commune".*?</select>', page, re.S).group(0)
    names = re.findall(r'<option value="\d+">([^<]+)</option>', select)
    assert names == ["Épouville", "Gonfreville-l&#x27;Orcher", "Harfleur", "Le Havre", "Port-Jérôme-sur-Seine"]
    centres = json.loads(re.search(r'id="site-commune-locations" type="application/json">(.*?)</script>', page).group(1))
    assert centres["76238"] == [49.56351, 0.22953]  # Épouville, for the map to go there
