"""What a report of today is checked and matched against, kept per territory in each process:
the territory and its report rules, the active sites' positions (the distance check), the
communes (a report given by commune), and the notices that may explain a report of the day with
their sites, communes and current zones (matching). Issue 14: reading them again for every
report was about half of its CPU.

An entry is used while the territory's *state* is the one it was read under. The state is read
for every report by one small query: the territory's updated_at (a site, an organization or the
communes that change move it: territories.receivers.touch_territory), publication and report
rules, and for each of the day's notices its id, updated_at and current zone (every write of a
notice moves its updated_at — the notices' services, the zones' redraw — and a notice entering
or leaving the day's set changes the list). A list, not a maximum: a change committed late with
an older updated_at still changes it. So the very next report after a commit sees the change,
in every process, with no invalidation to send. The state is read before the data: data newer
than its state only costs one more read at the next report, never a stale answer.

The entries' objects are shared by the requests of the process: read them, never change them."""
from dataclasses import dataclass
from datetime import datetime, time

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from notices.models import Notice, Status
from territories.models import Commune, Site, Territory
from zones.models import Zone

from . import matching
from .models import ReportSettings

_entries = {}


@dataclass(frozen=True)
class Snapshot:
    since: datetime  # the entry holds every notice that may explain a report observed after this
    territory: Territory  # with its report rules (select_related("report_settings"))
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


def _state(since, territory_id=None, slug=None):
    """One query: the territory (by id, or published by slug) — its id, updated_at, publication
    and report rules — and (id, updated_at, current zone) of each notice of the day, in id
    order. (territory id, state) or None when there is no such territory.

    Written out rather than built with the ORM: built, it cost three times the query itself
    (a filtered join and a subquery compiled again for every report). It is the filter of
    _days_notices(), and current_zone()'s order (Zone.Meta.ordering within one notice)."""
    q = connection.ops.quote_name
    territory, notice, zone, rules = (q(m._meta.db_table) for m in (Territory, Notice, Zone, ReportSettings))
    rule_columns = ", ".join(f"r.{q(f.column)}" for f in ReportSettings._meta.concrete_fields)
    where = f"t.{q('id')} = %s" if slug is None else f"t.{q('slug')} = %s AND t.{q('is_published')}"
    sql = (
        f"SELECT t.{q('id')}, t.{q('updated_at')}, t.{q('is_published')}, {rule_columns}, "
        f"n.{q('id')}, n.{q('updated_at')}, "
        f"(SELECT z.{q('id')} FROM {zone} z WHERE z.{q('notice_id')} = n.{q('id')} AND z.{q('is_current')} "
        f"ORDER BY z.{q('computed_at')} DESC, z.{q('id')} DESC LIMIT 1) "
        f"FROM {territory} t LEFT JOIN {rules} r ON r.{q('territory_id')} = t.{q('id')} "
        f"LEFT JOIN {notice} n ON n.{q('territory_id')} = t.{q('id')} "
        f"AND n.{q('status')} IN (%s, %s, %s) AND (n.{q('status')} IN (%s, %s) OR n.{q('ended_at')} >= %s "
        f"OR (n.{q('ended_at')} IS NULL AND n.{q('expected_end_at')} >= %s)) "
        f"WHERE {where} ORDER BY n.{q('id')}"
    )
    moment = connection.ops.adapt_datetimefield_value(since)
    statuses = [str(s) for s in (*matching.EXPLAINING_STATUSES, Status.SCHEDULED, Status.ONGOING)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*statuses, moment, moment, territory_id if slug is None else slug])
        rows = cursor.fetchall()
    if not rows:
        return None
    split = 3 + len(ReportSettings._meta.concrete_fields)
    return rows[0][0], (rows[0][1:split], tuple(row[split:] for row in rows if row[split] is not None))


def for_territory(territory_id):
    """The territory's snapshot for today's reports, read again only when its state moved."""
    return _snapshot(territory_id=territory_id)


def published(slug):
    """The snapshot of the published territory with this slug (its .territory, with its report
    rules), or None."""
    return _snapshot(slug=slug)


def _snapshot(territory_id=None, slug=None):
    since = day_start()
    found = _state(since, territory_id, slug)
    if found is None:
        return None
    territory_id, state = found
    key = (since, state)
    cached = _entries.get(territory_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    snapshot = Snapshot(
        since=since,
        territory=Territory.objects.select_related("report_settings").get(pk=territory_id),
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
