"""Test data shared by every app's tests: a small, realistic world.

Two territories (X = Seine-Estuaire, Y = Étang de Berre); in X two member organizations A and
B, in Y one organization C; one site each; an operator per organization, a coordinator per
territory and a superuser. Permission tests then read as one line each."""
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.utils import timezone

from notices import services
from notices.models import Category, Kind
from territories import reference
from territories.models import Commune, Epci, Membership, Organization, Role, Site, Territory

PASSWORD = "correct-horse-battery-staple"

X_COMMUNES = ["76351", "76305", "76341", "76476", "76238"]  # Le Havre, Gonfreville-l'Orcher, Harfleur, Port-Jérôme-sur-Seine, Épouville
Y_COMMUNES = ["13056", "13039", "13014", "13078"]  # Martigues, Fos-sur-Mer, Berre-l'Étang, Port-Saint-Louis-du-Rhône


@lru_cache
def _reference_rows():
    return {r["code"]: r for r in reference.read(reference.COMMUNES_FILE)}


def communes(*codes):
    """Real communes from the shipped reference data, created on demand."""
    rows = _reference_rows()
    result = []
    for code in codes:
        r = rows[code]
        epci = None
        if r["epci"]:
            epci, _ = Epci.objects.get_or_create(code=r["epci"], defaults={"name": f"EPCI {r['epci']}"})
        commune, _ = Commune.objects.get_or_create(
            code=code,
            defaults=dict(name=r["name"], postcodes=r["postcodes"], department=r["department"], epci=epci,
                          population=int(r["population"] or 0)),
        )
        result.append(commune)
    return result


def make_user(username, **extra):
    return get_user_model().objects.create_user(username, f"{username}@example.test", PASSWORD, **extra)


@dataclass
class World:
    x: Territory
    y: Territory
    org_a: Organization
    org_b: Organization
    org_c: Organization
    site_a: Site
    site_b: Site
    site_c: Site
    operator_a: object
    operator_b: object
    operator_c: object
    coordinator_x: object
    coordinator_y: object
    superuser: object

    def notice_fields(self, site=None, **overrides):
        """Valid fields for a notice on site A (or `site`), starting in an hour."""
        site = site or self.site_a
        now = timezone.now()
        fields = dict(
            site=site,
            category=Category.FLARING,
            kind=Kind.PLANNED,
            perceptions=["visible"],
            starts_at=now + timedelta(hours=1),
            expected_end_at=now + timedelta(hours=4),
            title="Torchage sur l'unité de distillation",
            body="Une flamme sera visible au-dessus de la torche pendant le redémarrage de l'unité.",
            impact="Aucune incidence sur la santé ni sur l'environnement.",
            communes=list(site.neighbouring_communes.all()),
            explainer=None,
            immediate=False,
        )
        fields.update(overrides)
        return fields

    def publish(self, actor=None, site=None, **overrides):
        site = site or self.site_a
        actor = actor or {self.site_a: self.operator_a, self.site_b: self.operator_b, self.site_c: self.operator_c}[site]
        return services.publish(actor, self.notice_fields(site=site, **overrides))


def build_world():
    xc, yc = communes(*X_COMMUNES), communes(*Y_COMMUNES)
    x = Territory.objects.create(slug="seine-estuaire", name="Seine-Estuaire", toll_free_number="0 800 00 76 00")
    x.communes.set(xc)
    y = Territory.objects.create(slug="etang-de-berre", name="Étang de Berre", toll_free_number="0 800 00 13 00")
    y.communes.set(yc)
    org_a = Organization.objects.create(territory=x, name="Raffinerie Démo de l'Estuaire")
    org_b = Organization.objects.create(territory=x, name="Engrais Démo Normandie")
    org_c = Organization.objects.create(territory=y, name="Pétrochimie Démo de Berre")

    def site(org, name, slug, commune, lat, lon, neighbours):
        s = Site.objects.create(organization=org, name=name, slug=slug, commune=commune, latitude=lat, longitude=lon)
        s.neighbouring_communes.set(neighbours)
        return s

    site_a = site(org_a, "Raffinerie de Gonfreville", "raffinerie", xc[1], "49.4870", "0.2350", xc[:3])
    site_b = site(org_b, "Usine d'engrais du Havre", "engrais", xc[0], "49.4720", "0.1900", xc[:2])
    site_c = site(org_c, "Vapocraqueur de Berre", "vapocraqueur", yc[2], "43.4810", "5.1700", yc)
    users = {name: make_user(name) for name in ["operator_a", "operator_b", "operator_c", "coordinator_x", "coordinator_y"]}
    for name, org in [("operator_a", org_a), ("operator_b", org_b), ("operator_c", org_c)]:
        Membership.objects.create(user=users[name], role=Role.OPERATOR, organization=org)
    for name, territory in [("coordinator_x", x), ("coordinator_y", y)]:
        Membership.objects.create(user=users[name], role=Role.COORDINATOR, territory=territory)
    superuser = make_user("admin", is_superuser=True, is_staff=True)
    return World(x, y, org_a, org_b, org_c, site_a, site_b, site_c, superuser=superuser, **users)


def open_meteo_answering(answer):
    """An Open-Meteo provider that answers every request with `answer` (a recorded response, as
    Open-Meteo gives it) without reaching the network; `.urls` keeps what it was asked."""
    from riverains import wind

    urls = []

    def fetch(url):
        urls.append(url)
        return answer

    provider = wind.OpenMeteo(url="http://open-meteo.invalid/v1/forecast", fetch=fetch)
    provider.urls = urls
    return provider


def settle_changes(minutes=2):
    """Moves the last change of every territory and notice `minutes` into the past, as if the
    world had been written a while ago: Last-Modified is only sent, and If-Modified-Since only
    answered, for changes older than riverains.http.SETTLED."""
    from notices.models import Notice

    past = timezone.now() - timedelta(minutes=minutes)
    Territory.objects.update(updated_at=past)
    Notice.objects.update(updated_at=past)
