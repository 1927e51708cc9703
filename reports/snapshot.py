"""What a report of today is checked and matched against, kept per territory in each process:
the active sites' positions (the distance check), the communes (a report given by commune),
and the notices that may explain a report of the day with their sites, communes and current
zones (matching). Issue 14: reading them again for every report was about 40 % of its CPU.

An entry is used while the territory's *state* is the one it was read under. The state is read
for every report by one small query: the territory's updated_at (a site, an organization or the
communes that change move it: territories.receivers.touch_territory) and, for each of the day's
notices, its id, updated_at and current zone (every write of a notice moves its updated_at — the
notices' services, the zones' redraw — and a notice entering or leaving the day's set changes
the list). A list, not a maximum: a change committed late with an older updated_at still changes
it. So the very next report after a commit sees the change, in every process, with no
invalidation to send. The state is read before the data: data newer than its state only costs
one more read at the next report, never a stale answer.

The entries' objects are shared by the requests of the process: read them, never change them."""
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from notices.models import Notice, Status
from territories.models import Commune, Site, Territory
from zones.models import Zone

from . import matching

_entries = {}


@dataclass(frozen=True)
class Snapshot:
    since: datetime  # the entry holds every notice that may explain a report observed after this
    sites: tuple  # (latitude, longitude) of the territory's active sites
    communes: dict  # code → Commune of the territory
    notices: tuple  # matching.candidate_notices(…) for any moment of the day, before the time filter

    def candidates(self, observed_at):
        """The notices candidate_notices(territory, observed_at) would read."""
        before, after = matching.margins()
        return [n for n in self.notices if matching.is_candidate(n, observed_at, before, after)]


def day_start(after=None):
    """Notices over before this cannot explain a report of today (midnight less the margin)."""
    after = matching.margins()[1] if after is None else after
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min)) - after


def _days_notices(since):
    return Q(status__in=matching.EXPLAINING_STATUSES) & (
        Q(status__in=[Status.SCHEDULED, Status.ONGOING]) | Q(ended_at__gte=since)
        | Q(ended_at__isnull=True, expected_end_at__gte=since)
    )


def _state(territory_id, since):
    """One query: the territory's updated_at, and (id, updated_at, current zone) of each notice of
    the day, in id order."""
    condition = _prefixed(_days_notices(since), "notices")
    # The order of current_zone() (Zone.Meta.ordering within one notice), without its join.
    current_zone = (Zone.objects.filter(notice=OuterRef("day__pk"), is_current=True)
                    .order_by("-computed_at", "-pk").values("pk")[:1])
    rows = list(
        Territory.objects.filter(pk=territory_id)
        .annotate(day=FilteredRelation("notices", condition=condition), zone=Subquery(current_zone))
        .order_by("day__pk").values_list("updated_at", "day__pk", "day__updated_at", "zone")
    )
    if not rows:
        return None
    return rows[0][0], tuple(row[1:] for row in rows if row[1] is not None)


def _prefixed(q, prefix):
    """The same Q with every lookup on the relation `prefix` (FilteredRelation's condition)."""
    children = [_prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}__{c[0]}", c[1]) for c in q.children]
    return Q(*children, _connector=q.connector, _negated=q.negated)


def for_territory(territory_id):
    """The territory's snapshot for today's reports, read again only when its state moved."""
    since = day_start()
    state = _state(territory_id, since)
    key = (since, state)
    cached = _entries.get(territory_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    snapshot = Snapshot(
        since=since,
        sites=tuple(Site.objects.filter(organization__territory_id=territory_id, is_active=True)
                    .values_list("latitude", "longitude")),
        communes={c.pk: c for c in Commune.objects.filter(territories__pk=territory_id)},
        notices=tuple(
            Notice.objects.filter(_days_notices(since), territory_id=territory_id)
            .select_related("site", "site__commune").prefetch_related(*matching.notice_prefetch())
        ),
    )
    _entries[territory_id] = (key, snapshot)
    return snapshot


def clear():
    _entries.clear()
