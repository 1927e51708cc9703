from datetime import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from demo import data
from demo.timeline import last_siren_test, next_siren_test
from notices.models import Notice, RevisionAction, Status
from territories.models import Commune, Organization, Site, Territory, french_phone

SLUGS = {"seine-estuaire", "rouen-metropole", "etang-de-berre"}


@pytest.fixture
def reference(db):
    # Seine-Maritime and Bouches-du-Rhône are all the demo needs, and load in a second.
    call_command("load_reference_data", departments="76,13", stdout=open("/dev/null", "w"))


def load_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_loading_twice_gives_three_territories_with_current_upcoming_and_past_notices(reference):
    load_demo()
    first = sorted(Notice.objects.values_list("territory__slug", "title"))
    sites = dict(Site.objects.values_list("slug", "pk"))
    load_demo()

    assert set(Territory.objects.filter(is_demo=True).values_list("slug", flat=True)) == SLUGS
    for territory in Territory.objects.all():
        notices = Notice.objects.filter(territory=territory)
        assert notices.active().exists(), territory.slug
        assert notices.upcoming().exists(), territory.slug
        assert notices.filter(status=Status.ENDED).exists(), territory.slug
        assert notices.filter(status=Status.CANCELLED).exists(), territory.slug
    # Told again, not added twice; the sites keep their ids, hence their public addresses.
    assert sorted(Notice.objects.values_list("territory__slug", "title")) == first
    assert dict(Site.objects.values_list("slug", "pk")) == sites


def test_every_company_and_site_is_marked_as_a_demonstration(reference):
    load_demo()

    names = list(Organization.objects.values_list("name", flat=True)) + list(Site.objects.values_list("name", flat=True))
    assert len(names) == 18
    assert all("(démonstration)" in name for name in names), names
    for territory in Territory.objects.all():
        assert "DÉMONSTRATION" in territory.presentation and "FICTIFS" in territory.presentation
        french_phone(territory.toll_free_number)


def test_territories_cover_the_real_communes(reference):
    load_demo()

    estuary = Territory.objects.get(slug="seine-estuaire")
    epci_communes = Commune.objects.filter(epci__name__in=["CU Le Havre Seine Métropole", "CA Caux Seine Agglo"])
    assert set(estuary.communes.all()) == set(epci_communes)
    assert {"76351", "76476"} <= set(estuary.communes.values_list("code", flat=True))  # Le Havre, Port-Jérôme
    rouen = Territory.objects.get(slug="rouen-metropole")
    assert set(rouen.communes.all()) == set(Commune.objects.filter(epci__name="Métropole Rouen Normandie"))
    berre = Territory.objects.get(slug="etang-de-berre")
    assert berre.communes.count() == 14
    assert {"Martigues", "Fos-sur-Mer", "Berre-l'Étang", "Carry-le-Rouet"} <= set(berre.communes.values_list("name", flat=True))
    for site in Site.objects.select_related("organization__territory"):
        assert site.organization.territory.communes.filter(pk=site.commune_id).exists(), site.name


def test_history_shows_revisions_dated_in_order(reference):
    load_demo()

    ended_with_updates = [
        n for n in Notice.objects.filter(status=Status.ENDED) if n.revisions.filter(action=RevisionAction.UPDATED).exists()
    ]
    assert ended_with_updates
    for notice in Notice.objects.all():
        dates = list(notice.revisions.order_by("number").values_list("created_at", flat=True))
        assert dates[0] <= timezone.now()
        assert dates == sorted(dates), notice.title
    flaring = Notice.objects.get(title="Torchage après l'arrêt imprévu d'un compresseur")
    actions = list(flaring.revisions.values_list("action", flat=True))
    assert actions == ["published", "updated", "updated", "ended"]
    assert flaring.revisions.last().created_at == flaring.ended_at
    cancelled = Notice.objects.get(territory__slug="etang-de-berre", status=Status.CANCELLED)
    assert "reportés" in cancelled.public_reason


def test_demo_accounts_log_in_and_act_only_on_their_own_site(reference, rf):
    load_demo()

    users = get_user_model().objects
    for username in ["admin", "coordinateur-berre", "operateur-raffinerie-estuaire"]:
        # Through the login throttling backend, as the console's login form does.
        assert authenticate(rf.post("/console/login/"), username=username, password=data.PASSWORD), username
    operator = users.get(username="operateur-raffinerie-estuaire")
    assert [s.name for s in Site.objects.for_user(operator)] == ["Raffinerie Exemple de Gonfreville (démonstration)"]
    coordinator = users.get(username="coordinateur-berre")
    assert list(Territory.objects.for_user(coordinator).values_list("slug", flat=True)) == ["etang-de-berre"]
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_it_refuses_to_touch_a_real_territory_with_a_demo_slug(reference):
    Territory.objects.create(slug="rouen-metropole", name="Rouen (réel)")

    with pytest.raises(CommandError, match="n'est pas une démonstration"):
        load_demo()

    assert not Organization.objects.exists()
    assert Territory.objects.get(slug="rouen-metropole").name == "Rouen (réel)"


def test_it_asks_for_the_reference_data_first(db):
    with pytest.raises(CommandError, match="load_reference_data"):
        load_demo()

    assert not Territory.objects.exists()


def test_the_territory_page_says_it_is_a_demonstration(reference, client):
    load_demo()

    response = client.get("/seine-estuaire/")
    assert response.status_code == 200
    assert "démonstration" in response.content.decode()


@pytest.mark.parametrize("now", ["2026-11-22T03:00", "2026-12-02T11:59", "2026-12-02T12:30", "2027-01-01T00:00"])
def test_siren_tests_fall_on_the_first_wednesday_of_a_month_at_noon(now):
    now = timezone.make_aware(datetime.fromisoformat(now))

    for moment in (next_siren_test(now), last_siren_test(now)):
        local = timezone.localtime(moment)
        assert (local.weekday(), local.day <= 7, local.hour, local.minute) == (2, True, 12, 0)
    assert next_siren_test(now) > now > last_siren_test(now)
