"""Zones follow notices: computed with each revision, kept by it, redrawn when the wind turns,
told to subscribers once, used to rank reports, and shown by CAP, the API and the pages."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from console.tests.notice_data import notice_post

from notices import services as notices
from notices.models import Category, Perception
from relay.models import Delivery, Subscription
from reports import matching
from reports.models import Report
from riverains import wind
from riverains.testing import communes
from territories.models import Site
from zones import services
from zones.models import Zone, ZoneReason, ZoneSettings

from .conftest import recorded

HARFLEUR, LE_HAVRE, GONFREVILLE, EPOUVILLE = "76341", "76351", "76305", "76238"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ODOUR = dict(category=Category.ODOUR, perceptions=[Perception.OLFACTORY], title="Odeur de soufre possible",
             body="Une odeur d'œuf pourri peut être perçue pendant la vidange d'un bac.")


def codes(zone):
    return [c["code"] for c in zone.communes]


def publish_odour(world, **overrides):
    now = timezone.now()
    fields = {**ODOUR, "starts_at": now - timedelta(minutes=5), "expected_end_at": now + timedelta(hours=4),
              "communes": communes(GONFREVILLE), **overrides}
    return world.publish(**fields)


@pytest.mark.django_db
def test_an_east_wind_draws_the_odour_over_harfleur_and_the_revision_keeps_that_zone(world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    zone = services.current_zone(notice)
    revision = notice.latest_revision
    assert zone.reason == ZoneReason.REVISION and zone.revision == revision
    assert HARFLEUR in codes(zone) and EPOUVILLE not in codes(zone)
    assert zone.kinds == ["odour"] and zone.wind["from"] == 135.0

    # The wind turns to the north: the hourly pass redraws the zone, the revision keeps its own.
    blowing(world.site_a, "north")
    services.refresh(notice)
    moved = services.current_zone(notice)
    assert moved.pk != zone.pk and moved.reason == ZoneReason.WIND and HARFLEUR not in codes(moved)
    assert services.published_zone(revision).pk == zone.pk
    assert Zone.objects.filter(notice=notice).count() == 2

    # Nothing new when the forecast has not changed.
    services.refresh(notice)
    assert Zone.objects.filter(notice=notice).count() == 2

    # An update is a new revision: it gets the zone of the moment.
    notices.update(world.operator_a, notice, {"title": "Odeur de soufre possible jusqu'à ce soir"}, "Titre précisé")
    latest = notice.latest_revision
    assert latest.number == 2 and services.published_zone(latest).revision == latest


@pytest.mark.django_db
def test_the_worker_fetches_the_forecast_right_after_publishing(world, django_capture_on_commit_callbacks):
    provider = recorded("south-east")
    wind.use(provider)
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish_odour(world)
    assert HARFLEUR in codes(services.current_zone(notice))
    assert "models=meteofrance_seamless" in provider.urls[0]


@pytest.mark.django_db
def test_the_scheduler_redraws_current_zones_every_hour(world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    wind.use(recorded("north"))
    services.update_forecast(world.site_a, timezone.now() + timedelta(hours=1))  # an hour later
    call_command("refresh_zones")
    assert HARFLEUR not in codes(services.current_zone(notice))


@pytest.mark.django_db
def test_an_ended_notice_has_no_current_zone(world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    notices.end(world.operator_a, notice)
    assert services.current_zone(notice) is None
    assert services.published_zone(notice.revisions.get(number=1)) is not None


@pytest.mark.django_db
def test_a_notice_with_no_perception_the_model_knows_gets_no_zone(world):
    notice = world.publish(category=Category.WORKS, perceptions=[Perception.VISIBLE])
    assert services.kinds_of(notice) == ["smoke"]
    assert services.current_zone(notice) is None  # smoke needs wind, and there is no forecast
    notice.perceptions = []
    assert services.kinds_of(notice) == [] and services.compute(notice) is None


@pytest.mark.django_db
def test_a_site_on_the_coast_with_an_offshore_wind_names_no_commune(world, blowing):
    beach = Site.objects.create(organization=world.org_a, name="Terminal de la plage", slug="plage",
                                commune=world.site_b.commune, latitude="49.4950", longitude="0.0900")
    blowing(beach, "east")  # blowing out to sea, westwards
    notice = publish_odour(world, actor=world.operator_a, site=beach, communes=communes(LE_HAVRE))
    zone = services.current_zone(notice)
    assert zone is not None and zone.communes == []
    assert "hors des communes du territoire" in zone_sentence(zone)
    blowing(beach, "west")  # back over the town
    services.refresh(notice)
    assert LE_HAVRE in codes(services.current_zone(notice))


def zone_sentence(zone):
    from zones import words

    return words.sentence(zone)


@pytest.mark.django_db
def test_subscribers_of_a_commune_the_zone_reaches_are_told_once(world, blowing):
    harfleur = Subscription.objects.create(territory=world.x, channel="email", address="harfleur@example.test",
                                           confirmed_at=timezone.now(), manage_nonce="n")
    harfleur.communes.set(communes(HARFLEUR))
    epouville = Subscription.objects.create(territory=world.x, channel="email", address="epouville@example.test",
                                            confirmed_at=timezone.now(), manage_nonce="n")
    epouville.communes.set(communes(EPOUVILLE))
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    assert Delivery.objects.filter(subscription=harfleur, revision__notice=notice).count() == 1
    assert not Delivery.objects.filter(subscription=epouville).exists()
    services.refresh(notice)
    blowing(world.site_a, "north")
    services.refresh(notice)
    blowing(world.site_a, "south-east")
    services.refresh(notice)  # Harfleur enters the zone again: still told only once
    assert Delivery.objects.filter(subscription=harfleur, revision__notice=notice).count() == 1


@pytest.mark.django_db
def test_the_territory_decides_which_kinds_tell_subscribers(world, blowing):
    harfleur = Subscription.objects.create(territory=world.x, channel="email", address="harfleur@example.test",
                                           confirmed_at=timezone.now(), manage_nonce="n")
    harfleur.communes.set(communes(HARFLEUR))
    ZoneSettings.objects.create(territory=world.x, tell_odour=False)
    blowing(world.site_a, "south-east")
    publish_odour(world)
    assert not Delivery.objects.filter(subscription=harfleur).exists()


@pytest.mark.django_db
def test_a_report_inside_the_zone_ranks_that_notice_first_and_says_why(world, blowing):
    blowing(world.site_a, "south-east")
    blowing(world.site_b, "north")
    refinery = publish_odour(world)
    fertiliser = publish_odour(world, site=world.site_b, communes=communes(LE_HAVRE), title="Odeur d'ammoniac possible")
    # In Harfleur, north-west of the refinery (downwind of it), nearer to the fertiliser plant.
    report = Report(territory=world.x, kind="odour", intensity=3, latitude=49.5051, longitude=0.1871,
                    observed_at=timezone.now())
    found = matching.match(report)
    assert [m.notice for m in found][:2] == [refinery, fertiliser]
    assert "vous êtes dans la zone où l'odeur est attendue avec le vent actuel" in found[0].why
    assert "zone" not in found[1].why


@pytest.mark.django_db
def test_cap_carries_the_zone_as_a_closed_polygon_valid_against_the_schema(client, world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    response = client.get(reverse("feeds:cap_alert", args=[world.x.slug, notice.pk, 1]))
    alert = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parents[2] / "public" / "tests" / "schemas" / "CAP-v1.2.xsd")))
    schema.assertValid(alert)
    polygon = alert.findtext(f"{CAP}info/{CAP}area/{CAP}polygon")
    pairs = polygon.split(" ")
    assert pairs[0] == pairs[-1] and len(pairs) >= 4
    lat, lon = map(float, pairs[0].split(","))
    assert 49.3 < lat < 49.7 and 0.0 < lon < 0.4


@pytest.mark.django_db
def test_the_api_gives_the_zone_of_a_notice_its_revisions_and_the_territory_layer(client, world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    body = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert body["zone"]["type"] == "Feature" and body["zone"]["geometry"]["type"] == "Polygon"
    assert HARFLEUR in [c["code"] for c in body["zone"]["properties"]["communes"]]
    assert body["zone"]["properties"]["sentence"].startswith("Vent de sud-est : odeur possible à Harfleur")
    assert body["revisions"][0]["zone"]["properties"]["revision"] == 1
    layer = client.get(f"/api/v1/territories/{world.x.slug}/zones")
    assert layer["Content-Type"].startswith("application/json")
    assert [f["properties"]["notice"] for f in layer.json()["features"]] == [notice.pk]
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/territories/{slug}/zones" in document["paths"]
    assert "zone" in document["components"]["schemas"]["NoticeOut"]["properties"]


@pytest.mark.django_db
def test_the_notice_page_and_the_territory_page_say_where_in_words(client, world, blowing):
    blowing(world.site_a, "south-east")
    notice = publish_odour(world)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "Vent de sud-est : odeur possible à Harfleur" in page and "Harfleur" in page
    assert "Zone indicative, calculée d" in page and "après la prévision de vent." in page
    assert reverse("zones:model") in page and 'id="zone-donnees"' in page
    territory = client.get(world.x.get_absolute_url()).content.decode()
    assert "Où cela peut-il se percevoir en ce moment ?" in territory and 'id="zones-donnees"' in territory
    model = client.get(reverse("zones:model"))
    assert model.status_code == 200 and "Vent calme" in model.content.decode()


@pytest.mark.django_db
def test_the_console_preview_shows_the_zone_and_adds_its_communes_only_when_asked(client, world, blowing):
    blowing(world.site_a, "south-east")
    client.force_login(world.operator_a)
    form = notice_post(world, action="preview", category=Category.ODOUR, perceptions=["olfactory"],
                       communes=[GONFREVILLE])
    page = client.post(reverse("console:notice_create"), form).content.decode()
    assert "Zone de perception possible (prévision)" in page
    assert "Ajouter ces communes aux communes concernées" in page
    assert f'name="communes" value="{HARFLEUR}"' in page
    assert not Zone.objects.exists()  # a preview stores nothing
    # The button posts the same form with the zone's missing communes added: a new preview.
    added = client.post(reverse("console:notice_create"), {**form, "communes": [GONFREVILLE, HARFLEUR, LE_HAVRE]})
    assert "Toutes les communes de la zone sont déjà dans les communes concernées." in added.content.decode()
    assert not Zone.objects.exists()


@pytest.mark.django_db
def test_the_widget_of_a_commune_the_zone_reaches_shows_the_notice_and_the_zone(client, world, blowing):
    blowing(world.site_a, "south-east")
    publish_odour(world)  # names Gonfreville-l'Orcher only
    page = client.get(reverse("widget:frame", args=[world.x.slug]) + f"?communes={HARFLEUR}").content.decode()
    assert "Odeur de soufre possible" in page
    assert "Vent de sud-est : odeur possible à Harfleur" in page
    quiet = client.get(reverse("widget:frame", args=[world.x.slug]) + f"?communes={EPOUVILLE}").content.decode()
    assert "Odeur de soufre possible" not in quiet


@pytest.mark.django_db
def test_the_coordinator_tunes_the_ranges_and_the_next_zone_uses_them(client, world, blowing):
    url = reverse("console:zones_settings", args=[world.x.slug])
    client.force_login(world.operator_a)
    assert client.get(url).status_code == 404  # an operator does not tune the territory
    client.force_login(world.coordinator_x)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"odour_km": "500", "smoke_km": "10", "noise_km": "5", "light_day_km": "10",
                                "light_night_km": "15", "tell_odour": "on"})
    assert refused.status_code == 400 and not ZoneSettings.objects.exists()
    client.post(url, {"odour_km": "2", "smoke_km": "10", "noise_km": "5", "light_day_km": "10",
                      "light_night_km": "15", "tell_odour": "on"})
    assert ZoneSettings.objects.get(territory=world.x).odour_km == 2
    blowing(world.site_a, "south-east")
    zone = services.current_zone(publish_odour(world))
    assert zone.area_km2 < 3  # a 2 km plume


def test_communes_wholly_inside_are_named_in_french_order():
    from shapely.geometry import box

    from zones.geometry import Zone as ZoneShape

    everywhere = box(0, 0, 10, 10)
    zone = ZoneShape(geometry=everywhere, parts={"light": everywhere})
    square = box(1, 1, 1.01, 1.01)
    communes = [(code, name, square, 1.0) for code, name in
                [("1", "Sandouville"), ("2", "Épouville"), ("3", "Étainhus"), ("4", "Harfleur")]]
    names = [c["name"] for c in services.covered_communes(zone, communes, latitude=49.5)]
    assert names == ["Épouville", "Étainhus", "Harfleur", "Sandouville"]
