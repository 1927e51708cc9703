"""Instant answer: which published notices probably explain what a resident perceives."""
from datetime import timedelta

from django.utils import timezone

from notices import services as notice_services
from notices.models import Category

from .conftest import east_of, north_of


def ongoing(world, site=None, **overrides):
    now = timezone.now()
    fields = dict(starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=2))
    fields.update(overrides)
    return world.publish(site=site, **fields)


def test_a_flare_seen_from_8_km_is_explained_by_the_flaring_notice(world, resident):
    flare = ongoing(world, category=Category.FLARING, perceptions=["visible"])
    position = north_of(world.site_a.latitude, world.site_a.longitude, 8)

    report, matches = resident().report(kind="flame", position=position)

    assert [m.notice for m in matches] == [flare]
    assert matches[0].why.startswith("Torchage en cours à 8 km, jusqu'à ")
    assert report.explained and list(report.matched_notices.all()) == [flare]


def test_a_flame_seen_from_16_km_is_beyond_what_a_flare_explains(world, resident):
    ongoing(world, category=Category.FLARING, perceptions=["visible"], communes=list(world.site_a.neighbouring_communes.all()))
    position = north_of(world.site_a.latitude, world.site_a.longitude, 16)

    _report, matches = resident().report(kind="flame", position=position)

    assert matches == []


def test_an_odour_3_km_downwind_is_explained_by_the_odour_notice_not_by_a_flare(world, resident):
    ongoing(world, site=world.site_a, category=Category.FLARING, perceptions=["visible"])
    odour = ongoing(world, site=world.site_b, category=Category.ODOUR, perceptions=["olfactory"],
                    title="Odeur d'ammoniac possible", communes=list(world.site_b.neighbouring_communes.all()))
    position = east_of(world.site_b.latitude, world.site_b.longitude, 3)

    _report, matches = resident().report(kind="odour", position=position, descriptors=["ammonia"])

    assert [m.notice for m in matches] == [odour]
    assert "Odeur en cours à 3 km" in matches[0].why


def test_a_smell_is_not_explained_by_a_siren_test_but_a_noise_is(world, resident):
    siren = ongoing(world, category=Category.SIREN_TEST, perceptions=["audible"], title="Essai de la sirène")
    near = north_of(world.site_a.latitude, world.site_a.longitude, 1)

    _smell, smell_matches = resident().report(kind="odour", position=near)
    _noise, noise_matches = resident().report(kind="noise", position=near)

    assert smell_matches == []
    assert [m.notice for m in noise_matches] == [siren]


def test_a_report_after_the_notice_ended_beyond_the_margin_is_not_explained(world, resident):
    now = timezone.now()
    notice = ongoing(world, category=Category.ODOUR, perceptions=["olfactory"],
                     starts_at=now - timedelta(hours=4), expected_end_at=now - timedelta(hours=3))
    notice_services.end(world.operator_a, notice, ended_at=now - timedelta(minutes=90))
    near = north_of(world.site_a.latitude, world.site_a.longitude, 2)

    report, matches = resident().report(kind="odour", position=near)

    assert matches == [] and not report.explained


def test_a_smell_lingering_within_the_margin_after_the_end_is_explained(world, resident):
    now = timezone.now()
    notice = ongoing(world, category=Category.ODOUR, perceptions=["olfactory"],
                     starts_at=now - timedelta(hours=3), expected_end_at=now - timedelta(hours=1))
    notice_services.end(world.operator_a, notice, ended_at=now - timedelta(minutes=30))
    near = north_of(world.site_a.latitude, world.site_a.longitude, 2)

    _report, matches = resident().report(kind="odour", position=near)

    assert [m.notice for m in matches] == [notice]
    assert ", fin à " in matches[0].why


def test_a_flare_seen_a_little_before_the_planned_start_is_explained(world, resident):
    now = timezone.now()
    planned = world.publish(starts_at=now + timedelta(minutes=20), expected_end_at=now + timedelta(hours=2))
    near = north_of(world.site_a.latitude, world.site_a.longitude, 3)

    _report, matches = resident().report(kind="flame", position=near)

    assert [m.notice for m in matches] == [planned]
    assert "à partir de" in matches[0].why


def test_a_cancelled_notice_explains_nothing(world, resident):
    now = timezone.now()
    planned = world.publish(starts_at=now + timedelta(minutes=20), expected_end_at=now + timedelta(hours=2))
    notice_services.cancel(world.operator_a, planned, reason="Opération reportée")

    _report, matches = resident().report(kind="flame", position=north_of(world.site_a.latitude, world.site_a.longitude, 3))

    assert matches == []


def test_a_commune_only_report_is_matched_on_the_notices_communes(world, resident):
    flare = ongoing(world, category=Category.FLARING, perceptions=["visible"])  # Le Havre, Gonfreville, Harfleur

    _in, in_matches = resident().report(kind="flame", commune="76341")  # Harfleur
    _out, out_matches = resident().report(kind="flame", commune="76238")  # Gainneville: not named

    assert [m.notice for m in in_matches] == [flare]
    assert "dans la zone annoncée (Harfleur)" in in_matches[0].why
    assert out_matches == []


def test_the_why_agrees_in_gender_whatever_the_category(world, resident):
    ongoing(world, category=Category.ODOUR, perceptions=["olfactory"], expected_end_at=None)
    _report, matches = resident().report(kind="odour", commune="76341")
    assert matches[0].why.startswith("Odeur en cours dans la zone annoncée (Harfleur)")
    assert "annoncé pour" not in matches[0].why


def test_the_nearest_matching_notice_comes_first(world, resident):
    far = ongoing(world, site=world.site_a, category=Category.STEAM, perceptions=["visible"], title="Vapeur A")
    near = ongoing(world, site=world.site_b, category=Category.STEAM, perceptions=["visible"], title="Vapeur B",
                   communes=list(world.site_b.neighbouring_communes.all()))
    position = north_of(world.site_b.latitude, world.site_b.longitude, 0.5)

    _report, matches = resident().report(kind="smoke_steam", position=position)

    assert [m.notice for m in matches] == [near, far]
    assert matches[0].score > matches[1].score


def test_a_notice_of_another_territory_never_explains(world, resident):
    ongoing(world, site=world.site_c, category=Category.FLARING, perceptions=["visible"])

    _report, matches = resident().report(kind="flame", position=north_of(world.site_a.latitude, world.site_a.longitude, 1))

    assert matches == []
