"""Episodes: unexplained reports from different people, close in space and time."""
from datetime import timedelta

import h3
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.models import Category
from relay.sender import send_pending
from reports import cells, wind
from reports.models import Episode, EpisodeStatus, Report

from .conftest import east_of, north_of

LE_HAVRE_WEST = (49.4900, 0.1100)


def test_three_residents_within_2_km_in_30_minutes_open_an_episode_and_tell_the_nearest_site(
        world, resident, django_capture_on_commit_callbacks):
    points = [LE_HAVRE_WEST, north_of(*LE_HAVRE_WEST, 1.2), east_of(*LE_HAVRE_WEST, 1.5)]
    with django_capture_on_commit_callbacks(execute=True):
        reports = [resident().report(position=p, observed_at=timezone.now() - timedelta(minutes=30 - 10 * i))[0]
                   for i, p in enumerate(points)]

    episode = Episode.objects.get()
    assert episode.status == EpisodeStatus.OPEN and episode.report_count == 3
    assert set(episode.reports.all()) == set(reports)
    assert world.site_b in episode.notified_sites.all()
    send_pending()  # the alerts went through the relay's outbox
    body = mail.outbox[0].body
    assert body.index("Usine d'engrais du Havre") < body.index("Raffinerie de Gonfreville")  # nearest first
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"coordinator_x@example.test", "operator_b@example.test"} <= recipients
    assert "operator_c@example.test" not in recipients and "coordinator_y@example.test" not in recipients


def test_two_reports_are_not_yet_an_episode(world, resident):
    resident().report(position=LE_HAVRE_WEST)
    resident().report(position=north_of(*LE_HAVRE_WEST, 1))

    assert not Episode.objects.exists()


def test_unrelated_smells_in_different_towns_the_same_evening_open_no_episode(world, resident):
    resident().report(position=LE_HAVRE_WEST)
    resident().report(position=north_of(*LE_HAVRE_WEST, 0.8))
    resident().report(position=east_of(*LE_HAVRE_WEST, 12))  # towards Rogerville, 12 km away

    assert not Episode.objects.exists()
    assert Report.objects.filter(episode__isnull=True).count() == 3


def test_reports_an_hour_and_a_half_apart_are_not_one_episode(world, resident):
    # Stored directly: the form only takes today's reports, and 95 minutes ago may be yesterday.
    Report.objects.create(territory=world.x, kind="odour", intensity=3, observed_at=timezone.now() - timedelta(minutes=95),
                          latitude=LE_HAVRE_WEST[0], longitude=LE_HAVRE_WEST[1], h3_cell=cells.cell_of(*LE_HAVRE_WEST),
                          network_hash="earlier-resident")
    resident().report(position=north_of(*LE_HAVRE_WEST, 0.5))
    resident().report(position=east_of(*LE_HAVRE_WEST, 0.5))

    assert not Episode.objects.exists()


def edge_points():
    """Two points 200 m apart on either side of an H3 cell edge, near Le Havre."""
    cell = cells.cell_of(*LE_HAVRE_WEST)
    (a_lat, a_lon), (b_lat, b_lon) = h3.cell_to_boundary(cell)[:2]
    c_lat, c_lon = h3.cell_to_latlng(cell)
    m_lat, m_lon = (a_lat + b_lat) / 2, (a_lon + b_lon) / 2  # middle of one edge
    inside = (round(m_lat + (c_lat - m_lat) * 0.08, 5), round(m_lon + (c_lon - m_lon) * 0.08, 5))
    outside = (round(m_lat - (c_lat - m_lat) * 0.08, 5), round(m_lon - (c_lon - m_lon) * 0.08, 5))
    return inside, outside


def test_reports_on_both_sides_of_a_cell_edge_join_the_same_episode(world, resident):
    inside, outside = edge_points()
    assert cells.cell_of(*inside) != cells.cell_of(*outside)

    first, _ = resident().report(position=inside)
    second, _ = resident().report(position=outside)
    third, _ = resident().report(position=(outside[0] + 0.002, outside[1]))

    episode = Episode.objects.get()
    assert {r.pk for r in episode.reports.all()} == {first.pk, second.pk, third.pk}
    assert len(episode.cells) >= 2


def test_a_later_report_nearby_joins_the_open_episode(world, resident):
    for p in [LE_HAVRE_WEST, north_of(*LE_HAVRE_WEST, 0.5), east_of(*LE_HAVRE_WEST, 0.5)]:
        resident().report(position=p)

    late, _ = resident().report(position=north_of(*LE_HAVRE_WEST, 1.5))

    assert Episode.objects.count() == 1
    late.refresh_from_db()
    assert late.episode.report_count == 4


def test_a_burst_from_one_address_is_rate_limited_and_counts_as_one_person(world, resident):
    accepted = []
    for i in range(5):
        accepted.append(resident(ip="198.51.100.7", device=f"rotating-{i}").report(position=LE_HAVRE_WEST)[0])

    with pytest.raises(Exception) as refused:
        resident(ip="198.51.100.7", device="rotating-99").report(position=LE_HAVRE_WEST)

    assert "plusieurs signalements" in str(refused.value)
    assert Report.objects.count() == 5
    assert not Episode.objects.exists()  # five reports, one person


def test_one_phone_changing_network_counts_once(world, resident):
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
        resident(ip=ip, device="same-phone").report(position=LE_HAVRE_WEST)

    assert not Episode.objects.exists()


def test_explained_reports_never_open_an_episode(world, resident):
    now = timezone.now()
    world.publish(site=world.site_b, category=Category.ODOUR, perceptions=["olfactory"],
                  starts_at=now - timedelta(minutes=10), expected_end_at=now + timedelta(hours=1),
                  communes=list(world.site_b.neighbouring_communes.all()))
    for p in [LE_HAVRE_WEST, north_of(*LE_HAVRE_WEST, 0.5), east_of(*LE_HAVRE_WEST, 0.5)]:
        resident().report(position=p)

    assert not Episode.objects.exists()


def test_residents_of_one_commune_without_position_open_an_episode(world, resident):
    for _i in range(3):
        resident().report(commune="76341")  # Harfleur

    assert Episode.objects.get().report_count == 3


def test_sites_upwind_of_the_reports_are_told_first(world, resident, django_capture_on_commit_callbacks):
    # Residents between the two plants, nearer the refinery (A); a westerly wind blows from the
    # fertiliser plant (B) towards them: B is told first.
    here = (49.4800, 0.2200)
    wind.use(type("Westerly", (), {"wind_at": lambda self, lat, lon, when: wind.Wind(270, 20)})())
    with django_capture_on_commit_callbacks(execute=True):
        for p in [here, north_of(*here, 0.4), east_of(*here, 0.4)]:
            resident().report(position=p)

    from reports.episodes import sites_concerned

    ranked, blowing = sites_concerned(Episode.objects.get())
    assert blowing.from_degrees == 270
    assert [site for site, _d, _u in ranked][:2] == [world.site_b, world.site_a]
    assert ranked[0][1] > ranked[1][1]  # B is farther, yet first: it is upwind


def test_without_wind_the_nearest_site_comes_first(world, resident):
    here = (49.4800, 0.2200)
    for p in [here, north_of(*here, 0.4), east_of(*here, 0.4)]:
        resident().report(position=p)

    from reports.episodes import sites_concerned

    ranked, blowing = sites_concerned(Episode.objects.get())
    assert blowing is None
    assert [site for site, _d, _u in ranked][:2] == [world.site_a, world.site_b]


def test_a_crowd_joins_the_open_episode_one_by_one_and_its_count_stays_exact(world, resident):
    """An evening of incident: once the episode is open, each new report around joins it (the
    fast path reads only the reports not in it yet) and the count matches the reports in it."""
    for p in [LE_HAVRE_WEST, north_of(*LE_HAVRE_WEST, 0.5), east_of(*LE_HAVRE_WEST, 0.5)]:
        resident().report(position=p)
    for i in range(12):
        resident().report(position=north_of(*east_of(*LE_HAVRE_WEST, 0.1 * i), 0.1 * (i % 5)))

    episode = Episode.objects.get()
    assert episode.report_count == 15 == episode.reports.count() == Report.objects.count()
    assert set(episode.cells) == {r.h3_cell for r in Report.objects.all()}


def test_a_report_with_a_position_joins_the_episode_of_its_commune_s_residents_without_one(world, resident):
    """The episode has no cell (nobody gave a position): the long way finds it by the commune."""
    for _i in range(3):
        resident().report(commune="76341")  # Harfleur, no position
    harfleur = (49.5065, 0.1989)

    late, _ = resident().report(position=harfleur, commune="76341")

    late.refresh_from_db()
    assert Episode.objects.count() == 1 and late.episode.report_count == 4


def test_a_lone_report_waiting_nearby_joins_the_episode_when_a_neighbour_of_it_joins(world, resident):
    """A resident reported alone, more than 2 km from those who opened the episode: the next
    report between them joins the episode and brings the lone one in (the reports waiting in
    no episode are counted under the lock, and read only then)."""
    lone, _ = resident().report(position=north_of(*LE_HAVRE_WEST, 3.5))
    for p in [LE_HAVRE_WEST, east_of(*LE_HAVRE_WEST, 0.3), north_of(*LE_HAVRE_WEST, 0.3)]:
        resident().report(position=p)
    lone.refresh_from_db()
    assert lone.episode is None

    between, _ = resident().report(position=north_of(*LE_HAVRE_WEST, 1.8))

    episode = Episode.objects.get()
    assert {lone.pk, between.pk} <= {r.pk for r in episode.reports.all()}
    assert episode.report_count == 5 == episode.reports.count()


def test_a_report_joining_the_crowd_s_episode_reads_neither_the_crowd_nor_its_own_row_again(world, resident):
    """The crowd's case, the one that must stay cheap (issue 14): the report is stored with its
    episode by its INSERT, and neither the crowd's reports are read again nor its row updated
    (only a count of the reports waiting in no episode, none here)."""
    for i in range(6):
        resident().report(position=north_of(*LE_HAVRE_WEST, 0.1 * i))

    with CaptureQueriesContext(connection) as statements:
        report, _ = resident().report(position=east_of(*LE_HAVRE_WEST, 0.4))

    sql = [s["sql"] for s in statements.captured_queries]
    assert not [s for s in sql if s.startswith(('SELECT "reports_report".', 'UPDATE "reports_report"'))]
    assert len([s for s in sql if s.startswith('INSERT INTO "reports_report"')]) == 1
    assert report.episode.report_count == 7 == Report.objects.filter(episode=report.episode).count()
