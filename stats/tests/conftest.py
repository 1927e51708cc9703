"""A known data set for the figures, in territory X, mostly in 2025 (Europe/Paris times).

Notices are published through notices.services (so they have their revision, territory and
status like real ones), then moved into the past with queryset updates: services stamp
published_at with the current time and refuse ends in the future, whereas the figures are about
what happened months ago."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from notices.models import Category, Kind, Notice, Status
from territories.models import Organization

PARIS = ZoneInfo("Europe/Paris")


def paris(*args, fold=0):
    return datetime(*args, tzinfo=PARIS, fold=fold)


def past_notice(world, site, kind, category, starts_at, published_at, expected_end_at=None, ended_at=None,
                status=Status.ENDED, title="Message", actor=None):
    now = timezone.now()  # published as of now (services want an observed event to have begun), then moved
    start = now - timedelta(minutes=5) if kind == Kind.OBSERVED else now + timedelta(hours=1)
    notice = world.publish(actor=actor, site=site, kind=kind, category=category, title=title, starts_at=start,
                           expected_end_at=now + timedelta(hours=4))
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=starts_at, published_at=published_at, expected_end_at=expected_end_at, ended_at=ended_at, status=status
    )
    return Notice.objects.get(pk=notice.pk)


@dataclass
class Dataset:
    world: object
    silent: Organization


@pytest.fixture(autouse=True)
def _empty_tally():
    from stats import counting

    counting.tally.take()  # views a previous test left in this process's tally
    yield
    counting.tally.take()


@pytest.fixture
def dataset(world):
    a, b = world.site_a, world.site_b
    P, O = Kind.PLANNED, Kind.OBSERVED
    # 1. planned flaring, announced 48 h ahead, ended an hour early
    past_notice(world, a, P, Category.FLARING, paris(2025, 3, 10, 10), paris(2025, 3, 8, 10),
                paris(2025, 3, 10, 14), paris(2025, 3, 10, 13))
    # 2. planned noise, announced 12 h ahead, ended half an hour late
    past_notice(world, a, P, Category.NOISE, paris(2025, 3, 20, 8), paris(2025, 3, 19, 20),
                paris(2025, 3, 20, 12), paris(2025, 3, 20, 12, 30))
    # 3. planned flaring on site B, announced 24 h ahead, ended exactly on time
    past_notice(world, b, P, Category.FLARING, paris(2025, 7, 1, 9), paris(2025, 6, 30, 9),
                paris(2025, 7, 1, 10), paris(2025, 7, 1, 10))
    # 4. observed odour, published 30 min after it began, no announced end
    past_notice(world, a, O, Category.ODOUR, paris(2025, 7, 15, 14), paris(2025, 7, 15, 14, 30),
                None, paris(2025, 7, 15, 18))
    # 5. observed steam on site B, published 90 min after it began, still ongoing
    past_notice(world, b, O, Category.STEAM, paris(2025, 11, 2, 6), paris(2025, 11, 2, 7, 30),
                paris(2025, 11, 2, 9), None, status=Status.ONGOING)
    # 6. a drill, cancelled: announced but never happened, so not among the notices
    past_notice(world, a, P, Category.DRILL, paris(2025, 12, 5, 10), paris(2025, 12, 1, 10), status=Status.CANCELLED)
    # 7. the last evening of 2024 (23:30 in Paris): belongs to 2024
    past_notice(world, a, P, Category.MAINTENANCE, paris(2024, 12, 31, 23, 30), paris(2024, 12, 30, 23, 30))
    # 8. the last evening of 2025 (23:30 in Paris, 22:30 UTC): belongs to December 2025, 6 h lead
    past_notice(world, b, P, Category.WORKS, paris(2025, 12, 31, 23, 30), paris(2025, 12, 31, 17, 30),
                paris(2026, 1, 1, 2), paris(2026, 1, 1, 1))
    # 9. territory Y's notice never counts for X
    past_notice(world, world.site_c, P, Category.FLARING, paris(2025, 5, 5, 5), paris(2025, 5, 4, 5))
    silent = Organization.objects.create(territory=world.x, name="Adhérent Silencieux")
    Organization.objects.create(territory=world.x, name="Ancien adhérent", is_active=False)
    return Dataset(world, silent)
