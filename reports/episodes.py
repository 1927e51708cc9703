"""Episodes: reports that no notice explains, from different people, close in space and time.

Detection is incremental and cheap: each unexplained report looks only at unexplained reports
of the last hour in its H3 cell and the rings of cells around it (enough rings to hold every
point within the territory's radius, so two neighbours on either side of a cell edge meet),
then keeps those truly within the radius. Reports known only by their commune meet the
reports of the same commune.

It runs before the report's INSERT, so that the report is stored with its episode (no UPDATE
after), and most reports need two small statements besides (issue 14): the territory's lock,
then the episodes of the window with, counted in the database, how many reports around are in
no episode (a partial index holds only those: a few rows even on an evening of incident). A
report joining an episode reads the reports around only when that count says some are
waiting; a lone report, only when it could make enough people. The count is the database's
own, read under the lock that orders detections: nothing to lose or to keep in step."""
from dataclasses import dataclass
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone

from territories.geo import distance_km
from territories.models import Site, Territory

from . import cells, wind
from .models import Episode, EpisodeStatus, Report


@dataclass(frozen=True)
class Seen:
    """An episode of the window as _look_around read it: what the choice needs (id, status,
    cells) at once, the model only for the one chosen (building one for each episode of the
    territory was half the look-around's cost)."""

    pk: int
    status: str
    cells: list
    values: tuple  # every column, as the database gave them

    def episode(self):
        return _episode(connections[DEFAULT_DB_ALIAS], self.values)


@dataclass(frozen=True)
class Around:
    """What one statement tells detection, under the territory's lock."""

    episodes: list  # Seen: the territory's episodes with a report in the window, any status (_alone), first opened first
    waiting: int  # unexplained reports of the window around (cells or commune) in no episode

    @property
    def open(self):
        return [e for e in self.episodes if e.status == EpisodeStatus.OPEN]


def detect(report, rules):
    """Store an unexplained report (not saved yet) in the episode it belongs to, opening one
    when enough people agree. Returns (episode or None, opened). Runs inside the submit
    transaction."""
    around = _look_around(report, rules)
    recent = around.open
    if report.h3_cell:
        # The crowd's case: an episode is already open around here. Joining it needs only the
        # nearby reports in no episode yet (usually none), not every report of the last hour
        # around (hundreds on an evening of incident, read again for each new one).
        seen = _episode_around(report, rules, recent)
        if seen is not None:
            episode = seen.episode()
            _join(episode, report, _nearby_unexplained(report, rules, outside=True) if around.waiting else [])
            return episode, False
    if _alone(report, rules, around):
        report.save()
        return None, False
    nearby = _nearby_unexplained(report, rules)
    seen = _open_episode_nearby(report, rules, nearby, recent)
    episode = seen.episode() if seen is not None else None
    opened = False
    if episode is None:
        if count_people([report, *nearby]) < rules.episode_min_people:
            report.save()
            return None, False
        episode = Episode.objects.create(
            territory_id=report.territory_id, opened_at=timezone.now(), last_report_at=report.observed_at
        )
        opened = True
    _attach(episode, report, [r for r in nearby if r.episode_id is None or r.episode_id == episode.pk])
    return episode, opened


def count_people(reports):
    """Different people, counted cautiously: neither one network address (a burst from one
    place) nor one device (a phone moving from Wi-Fi to 4G) counts twice."""
    networks = {r.network_hash for r in reports}
    devices = {r.device_hash or f"net:{r.network_hash}" for r in reports}
    return min(len(networks), len(devices))


def _alone(report, rules, around):
    """Whether the long way could only end with the report in no episode: too few reports
    around in no episode to make enough people with it, and no episode that may hold one of
    the others — one whose cells meet the cells around (an episode takes the cell of every
    report it holds), or any of the window for a report given by its commune. Exact, not a
    guess: the count is read under the lock, and counts reports (at least as many as people)."""
    if around.waiting + 1 >= rules.episode_min_people:
        return False
    if report.commune_id or not report.h3_cell:
        return not around.episodes
    return _episode_around(report, rules, around.episodes) is None


def _around(report, rules):
    """Where nearby reports may be: (SQL condition on the reports table r, its parameters) —
    the cells within the radius, or the report's commune."""
    q = connection.ops.quote_name
    conditions, params = [], []
    if report.h3_cell:
        disk = cells.disk(report.h3_cell, rules.episode_radius_km)
        conditions.append(f"r.{q('h3_cell')} IN ({', '.join(['%s'] * len(disk))})")
        params += disk
    if report.commune_id:
        conditions.append(f"r.{q('commune_id')} = %s")
        params.append(report.commune_id)
    return " OR ".join(conditions) or "FALSE", params


def _window(report, rules):
    window = timedelta(minutes=rules.episode_window_minutes)
    return report.observed_at - window, report.observed_at + window


def _lock(territory_id):
    """One detection at a time per territory, so that two simultaneous reports do not open two
    episodes for the same smell (SQLite's transactions take the database's write lock at their
    start instead). A statement of its own: a statement that waits for a lock still reads what
    was committed when it began, so reading episodes in the same one would miss those the
    report that held the lock just opened."""
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(Territory._meta.db_table)} "
                           f"WHERE {connection.ops.quote_name('id')} = %s FOR UPDATE", [territory_id])


def _look_around(report, rules):
    """Under the territory's lock, one statement: the territory's episodes of the window, and
    how many reports around wait in no episode (the partial index reports_report_waiting's
    rows). Written out: through the ORM they were two statements, each compiled again for
    every report."""
    _lock(report.territory_id)
    db = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` costs a lookup at each use
    since, until = _window(report, rules)
    where, params = _around(report, rules)
    since, until = (db.ops.adapt_datetimefield_value(moment) for moment in (since, until))
    with db.cursor() as cursor:
        cursor.execute(_statement(db) % {"around": where}, [since, until, *params, since, report.territory_id])
        rows = cursor.fetchall()
    return Around(episodes=[_seen(db, row[:-1]) for row in rows if row[0] is not None], waiting=rows[0][-1])


_built = {}


def _statement(db):
    """_look_around's SQL, with %%(around)s for _around()'s condition (built once per backend)."""
    if db.vendor not in _built:
        q = db.ops.quote_name
        territory, episode, reports = (q(m._meta.db_table) for m in (Territory, Episode, Report))
        columns = ", ".join(f"e.{q(f.column)}" for f in Episode._meta.concrete_fields)
        converters = [(c, db.ops.get_db_converters(c) + c.target.get_db_converters(db))
                      for c in (f.get_col(Episode._meta.db_table) for f in Episode._meta.concrete_fields)]
        sql = (
            f"SELECT {columns}, (SELECT COUNT(*) FROM {reports} r WHERE r.{q('territory_id')} = t.{q('id')} "
            f"AND NOT r.{q('explained')} AND r.{q('episode_id')} IS NULL "
            f"AND r.{q('observed_at')} >= %%s AND r.{q('observed_at')} <= %%s AND (%(around)s)) AS {q('waiting')} "
            f"FROM {territory} t LEFT JOIN {episode} e ON e.{q('territory_id')} = t.{q('id')} "
            f"AND e.{q('last_report_at')} >= %%s "
            f"WHERE t.{q('id')} = %%s ORDER BY e.{q('opened_at')}, e.{q('id')}"
        )
        _built[db.vendor] = (sql, converters)
    return _built[db.vendor][0]


_NAMES = [f.name for f in Episode._meta.concrete_fields]
_CELLS, _STATUS = _NAMES.index("cells"), _NAMES.index("status")  # positions in _look_around's rows


def _seen(db, values):
    column, functions = _built[db.vendor][1][_CELLS]
    decoded = values[_CELLS]
    for convert in functions:
        decoded = convert(decoded, column, db)
    return Seen(pk=values[0], status=values[_STATUS], cells=decoded, values=values)


def _episode(db, values):
    """An Episode from its columns as the database gives them: what the ORM's compiler does,
    without compiling a query for every report (Episode.objects.raw() cost more than twice
    this statement's own time)."""
    converters = _built[db.vendor][1]
    converted = []
    for (column, functions), value in zip(converters, values):
        for convert in functions:
            value = convert(value, column, db)
        converted.append(value)
    return Episode.from_db(db.alias, [c.target.attname for c, _f in converters], converted)


def _nearby_unexplained(report, rules, outside=False):
    """The other unexplained reports of the window within the radius; with `outside`, only
    those in no episode yet."""
    since, until = _window(report, rules)
    where = Q()
    if report.h3_cell:
        where |= Q(h3_cell__in=cells.disk(report.h3_cell, rules.episode_radius_km))
    if report.commune_id:
        where |= Q(commune_id=report.commune_id)
    if not where:
        return []
    candidates = Report.objects.filter(
        where, territory_id=report.territory_id, explained=False, observed_at__gte=since, observed_at__lte=until,
    ).only("pk", "latitude", "longitude", "commune_id", "network_hash", "device_hash", "episode_id",
           "h3_cell", "observed_at")
    if outside:
        candidates = candidates.filter(episode__isnull=True)
    return [r for r in candidates if _close(report, r, rules.episode_radius_km)]


def _close(a, b, radius_km):
    if a.has_position and b.has_position:
        return distance_km(a.latitude, a.longitude, b.latitude, b.longitude) <= radius_km
    return a.commune_id is not None and a.commune_id == b.commune_id


def _open_episode_nearby(report, rules, nearby, recent):
    """The open episode that already holds a nearby report, or whose cells are next to this one."""
    ids = {r.episode_id for r in nearby if r.episode_id}
    found = next((e for e in recent if e.pk in ids), None)
    if found or not report.h3_cell:
        return found
    return _episode_around(report, rules, recent)


def _episode_around(report, rules, episodes):
    """For a report with a position: the first of `episodes` whose cells meet the cells within
    the radius (an episode takes the cell of every report it holds, so this one holds or touches
    the nearby reports with a position). For the open ones, None sends detect() the long way,
    which also finds episodes of residents who gave only their commune."""
    around = set(cells.disk(report.h3_cell, rules.episode_radius_km))
    return next((e for e in episodes if around & set(e.cells)), None)


def _join(episode, report, others):
    """_attach for an episode already open: its count goes up by the reports that join it (the
    territory's lock, held since the episode was read, makes that exact) instead of being
    counted again."""
    joining = [report, *(r for r in others if r.episode_id != episode.pk)]
    _store(episode, report, joining[1:])
    _extend(episode, joining, episode.report_count + len(joining))


def _attach(episode, report, others):
    _store(episode, report, others)
    _extend(episode, [report, *others], episode.reports.count())


def _store(episode, report, others):
    """The report stored in the episode (one INSERT), the others moved into it."""
    report.episode = episode
    report.save()
    if others:
        Report.objects.filter(pk__in=[r.pk for r in others]).update(episode=episode)


def _extend(episode, reports, report_count):
    """The episode's count and last report, and its cells when a report brings a new one, in one
    UPDATE (most of a crowd reports from cells the episode already has: its list of cells, the
    longest column, is then neither encoded nor written again)."""
    cells = sorted(set(episode.cells) | {r.h3_cell for r in reports if r.h3_cell})
    changed = ["cells"] if cells != episode.cells else []
    episode.cells = cells
    episode.report_count = report_count
    episode.last_report_at = max([episode.last_report_at] + [r.observed_at for r in reports])
    episode.save(update_fields=["report_count", "last_report_at", *changed])


def where_it_is(episode):
    """Mean position of the episode's reports (exact for positioned ones, cell centres else)."""
    points = [(float(r.latitude), float(r.longitude)) for r in episode.reports.all() if r.has_position]
    points = points or [cells.centre(c) for c in episode.cells]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def sites_concerned(episode, provider=None):
    """The territory's sites, most likely first: upwind of the reports first when the wind is
    known (a smell travels with the wind), then nearest first.

    Returns [(site, distance_km, upwind)] and the wind used (or None)."""
    sites = list(Site.objects.filter(organization__territory=episode.territory, is_active=True).select_related("organization"))
    centre = where_it_is(episode)
    if centre is None:
        commune_ids = set(episode.reports.values_list("commune_id", flat=True))
        return [(s, None, False) for s in sites if s.commune_id in commune_ids] or [(s, None, False) for s in sites], None
    blowing = (provider or wind.provider()).wind_at(centre[0], centre[1], episode.last_report_at)
    ranked = []
    for site in sites:
        d = distance_km(centre[0], centre[1], site.latitude, site.longitude)
        ranked.append((site, d, wind.is_upwind(blowing, centre[0], centre[1], site.latitude, site.longitude)))
    ranked.sort(key=lambda t: (not t[2], t[1]))
    return ranked, blowing
