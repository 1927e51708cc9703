"""Figures against values computed by hand from the data set in conftest.py (year 2025, X)."""
from datetime import date, timedelta

from notices.models import Category
from stats import figures
from stats.figures import Period
from stats.models import AudienceKind, DailyCount

YEAR = Period.year(2025)


def test_it_counts_the_years_notices_without_drafts_cancelled_or_other_territories(dataset):
    assert figures.notice_count(dataset.world.x, YEAR) == 6
    assert figures.cancelled_count(dataset.world.x, YEAR) == 1
    assert figures.notice_count(dataset.world.x, Period.year(2024)) == 1


def test_it_counts_notices_by_month_with_empty_months(dataset):
    by_month = dict(figures.notices_by_month(dataset.world.x, YEAR))
    assert list(by_month) == [date(2025, m, 1) for m in range(1, 13)]
    assert by_month == {**{date(2025, m, 1): 0 for m in range(1, 13)},
                        date(2025, 3, 1): 2, date(2025, 7, 1): 2, date(2025, 11, 1): 1, date(2025, 12, 1): 1}


def test_it_ranks_sites_organizations_and_categories(dataset):
    x = dataset.world.x
    assert figures.notices_by_site(x, YEAR) == [("Raffinerie de Gonfreville", 3), ("Usine d'engrais du Havre", 3)]
    assert figures.notices_by_organization(x, YEAR) == [("Engrais Démo Normandie", 3), ("Raffinerie Démo de l'Estuaire", 3)]
    assert [(str(label), n) for label, n in figures.notices_by_category(x, YEAR)] == [
        ("Torchage", 2), ("Bruit", 1), ("Odeur", 1), ("Travaux", 1), ("Vapeur ou fumée", 1)]


def test_it_splits_planned_and_observed(dataset):
    assert [(str(label), n) for label, n in figures.planned_and_observed(dataset.world.x, YEAR)] == [
        ("prévu", 4), ("constaté", 2)]


def test_median_lead_time_of_planned_operations(dataset):
    # leads 48 h, 12 h, 24 h, 6 h: median of 12 h and 24 h
    assert figures.median_lead_time(dataset.world.x, YEAR) == timedelta(hours=18)


def test_median_delay_of_observed_events(dataset):
    # 30 min and 90 min after they began
    assert figures.median_publication_delay(dataset.world.x, YEAR) == timedelta(minutes=60)


def test_share_ended_on_time_leaves_out_notices_without_announced_end(dataset):
    # 1 early, 3 exactly on time, 8 early; 2 late; 4 had no announced end; 5 is still going
    assert figures.ended_on_time(dataset.world.x, YEAR) == (3, 4)


def test_medians_are_none_without_notices(world):
    assert figures.median_lead_time(world.x, YEAR) is None
    assert figures.median_publication_delay(world.x, YEAR) is None
    assert figures.ended_on_time(world.x, YEAR) == (0, 0)


def test_silent_organizations_are_active_members_without_a_notice(dataset):
    assert figures.silent_organizations(dataset.world.x, YEAR) == ["Adhérent Silencieux"]
    # In the first half of 2025 site B's organization published nothing either
    first_half = Period(date(2025, 1, 1), date(2025, 7, 1))
    assert figures.silent_organizations(dataset.world.x, first_half) == ["Adhérent Silencieux", "Engrais Démo Normandie"]


def test_cross_table_of_categories_and_sites(dataset):
    table = figures.notices_by_category_and_site(dataset.world.x, YEAR)
    assert {site: {str(c): n for c, n in row.items()} for site, row in table.items()} == {
        "Raffinerie de Gonfreville": {"Torchage": 1, "Bruit": 1, "Odeur": 1},
        "Usine d'engrais du Havre": {"Torchage": 1, "Vapeur ou fumée": 1, "Travaux": 1},
    }


def test_page_views_per_day_and_by_kind(world):
    period = Period(date(2025, 6, 1), date(2025, 6, 4))
    DailyCount.objects.create(day=date(2025, 6, 1), territory=world.x, kind=AudienceKind.PAGE, count=10)
    DailyCount.objects.create(day=date(2025, 6, 3), territory=world.x, kind=AudienceKind.API, count=4)
    DailyCount.objects.create(day=date(2025, 6, 4), territory=world.x, kind=AudienceKind.PAGE, count=99)  # after
    DailyCount.objects.create(day=date(2025, 6, 1), territory=world.y, kind=AudienceKind.PAGE, count=7)  # elsewhere
    per_day = figures.page_views_per_day(world.x, period)
    assert [(day, sum(kinds.values())) for day, kinds in per_day] == [
        (date(2025, 6, 1), 10), (date(2025, 6, 2), 0), (date(2025, 6, 3), 4)]
    assert dict((str(k), n) for k, n in figures.page_views_by_kind(world.x, period)) == {
        "pages du territoire": 10, "pages de message": 0, "flux (Atom, CAP, iCalendar, CSV)": 0, "API": 4, "widget": 0}


def test_subscribers_and_deliveries_per_channel(dataset):
    from relay.models import Delivery, Subscription

    from .conftest import paris

    x, world = dataset.world.x, dataset.world
    le_havre, harfleur = world.site_b.commune, world.site_a.neighbouring_communes.get(code="76341")

    def subscriber(channel, address, confirmed_at, communes=()):
        # Communes chosen when subscribing, confirmed later (a commune added to an already confirmed
        # subscription is counted from the day it is added).
        s = Subscription.objects.create(territory=x, channel=channel, address=address, manage_nonce="n")
        s.communes.set(communes)
        Subscription.objects.filter(pk=s.pk).update(confirmed_at=confirmed_at)
        return s

    one = subscriber("email", "un@example.test", paris(2025, 2, 10), [le_havre])
    subscriber("email", "deux@example.test", paris(2025, 3, 31, 23, 30), [le_havre, harfleur])  # March, Paris time
    subscriber("sms", "+33600000001", paris(2025, 4, 1, 0, 30))  # April in Paris, still 31 March in UTC
    subscriber("email", "jamais@example.test", None, [le_havre])  # never confirmed
    spring = Period(date(2025, 2, 1), date(2025, 5, 1))
    over_time = [(month, {str(c): n for c, n in per.items()})
                 for month, per in figures.subscribers_by_channel_over_time(x, spring)]
    assert [(month, per["e-mail"], per["SMS"]) for month, per in over_time] == [
        (date(2025, 2, 1), 1, 0), (date(2025, 3, 1), 2, 0), (date(2025, 4, 1), 2, 1)]
    assert figures.subscribers_by_commune(x, spring) == [("Le Havre", 2), ("Harfleur", 1), ("tout le territoire", 1)]

    revision = x.notices.order_by("starts_at").first().revisions.first()
    Delivery.objects.create(revision=revision, subscription=one, channel="email", status="sent", created_at=paris(2025, 3, 1))
    Delivery.objects.create(revision=revision, subscription=None, channel="sms", status="failed", created_at=paris(2025, 3, 2))
    Delivery.objects.create(revision=revision, subscription=None, channel="email", status="sent", created_at=paris(2024, 3, 2))
    rows = {str(label): (sent, failed) for label, sent, failed in figures.deliveries_by_channel(x, YEAR)}
    assert rows["e-mail"] == (1, 0) and rows["SMS"] == (0, 1)


def test_reports_per_week_share_explained_and_episodes(world):
    from reports.models import Episode, EpisodeStatus, Report

    from .conftest import paris

    def report(observed_at, explained=False):
        Report.objects.create(territory=world.x, kind="odour", intensity=3, observed_at=observed_at,
                              network_hash="h", explained=explained)

    report(paris(2025, 3, 3, 8))  # Monday 3 March
    report(paris(2025, 3, 9, 23, 30), explained=True)  # Sunday night, same week in Paris
    report(paris(2025, 3, 10, 0, 30))  # Monday 10 March 00:30 in Paris, still Sunday in UTC
    Report.objects.create(territory=world.y, kind="noise", intensity=2, observed_at=paris(2025, 3, 4), network_hash="h")
    period = Period(date(2025, 3, 3), date(2025, 3, 17))
    assert figures.reports_per_week(world.x, period) == [(date(2025, 3, 3), 2, 1), (date(2025, 3, 10), 1, 0)]
    assert figures.reports_explained(world.x, period) == (1, 3)

    def episode(opened_at, closed_at=None, status=EpisodeStatus.OPEN):
        Episode.objects.create(territory=world.x, opened_at=opened_at, last_report_at=opened_at, status=status,
                               closed_at=closed_at)

    episode(paris(2025, 3, 4, 10), paris(2025, 3, 4, 11), EpisodeStatus.EXPLAINED)  # 1 h
    episode(paris(2025, 3, 5, 10), paris(2025, 3, 5, 13), EpisodeStatus.EXPLAINED)  # 3 h
    episode(paris(2025, 3, 6, 10), paris(2025, 3, 6, 20), EpisodeStatus.CLOSED)  # closed unexplained
    episode(paris(2025, 3, 7, 10))
    assert figures.episodes(world.x, period) == {"opened": 4, "explained": 2, "median_time_to_explanation": timedelta(hours=2)}


def test_optional_parts_are_skipped_when_not_installed(world, monkeypatch):
    monkeypatch.setattr(figures, "_model", lambda app_label, name: None)
    assert figures.calls_per_day(world.x, YEAR) is None
    assert figures.subscribers_by_commune(world.x, YEAR) is None
    assert figures.reports_per_week(world.x, YEAR) is None
    from stats import dashboard

    slugs = [f.slug for f in dashboard.build(world.x, YEAR)]
    assert "appels-par-jour" not in slugs and "messages-par-mois" in slugs


def test_category_labels_cover_every_category(dataset):
    assert {str(c) for c, _n in figures.notices_by_category(dataset.world.x, YEAR)} <= {str(label) for _v, label in Category.choices}
