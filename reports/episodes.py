"""Episodes: reports that no notice explains, from different people, close in space and time.

Detection is incremental and cheap: each unexplained report looks only at unexplained reports
of the last hour in its H3 cell and the rings of cells around it (enough rings to hold every
point within the territory's radius, so two neighbours on either side of a cell edge meet),
then keeps those truly within the radius. Reports known only by their commune meet the
reports of the same commune."""
from datetime import timedelta

from django.db.models import Q

from territories.geo import distance_km
from territories.models import Site, Territory

from . import cells, wind
from .models import Episode, EpisodeStatus, Report


def detect(report, rules):
    """Attach an unexplained report to an episode, opening one when enough people agree.

    Returns (episode or None, opened). Runs inside the submit transaction."""
    # One detection at a time per territory, so that two simultaneous reports do not open
    # two episodes for the same smell.
    Territory.objects.select_for_update().filter(pk=report.territory_id).values_list("pk", flat=True).first()
    # The open episodes of the window, read once for both ways below (it was read twice).
    recent = _recent_open_episodes(report, rules)
    if report.h3_cell:
        # The crowd's case: an episode is already open around here. Joining it needs only the
        # nearby reports not in it yet (usually this one), not every report of the last hour
        # around (hundreds on an evening of incident, read again for each new one).
        episode = _open_episode_around(report, rules, recent)
        if episode is not None:
            _join(episode, _nearby_unexplained(report, rules, outside=episode))
            return episode, False
    nearby = _nearby_unexplained(report, rules)
    episode = _open_episode_nearby(report, rules, nearby, recent)
    opened = False
    if episode is None:
        if count_people(nearby) < rules.episode_min_people:
            return None, False
        episode = Episode.objects.create(
            territory_id=report.territory_id, opened_at=report.created_at, last_report_at=report.observed_at
        )
        opened = True
    _attach(episode, [r for r in nearby if r.episode_id is None or r.episode_id == episode.pk])
    return episode, opened


def count_people(reports):
    """Different people, counted cautiously: neither one network address (a burst from one
    place) nor one device (a phone moving from Wi-Fi to 4G) counts twice."""
    networks = {r.network_hash for r in reports}
    devices = {r.device_hash or f"net:{r.network_hash}" for r in reports}
    return min(len(networks), len(devices))


def _nearby_unexplained(report, rules, outside=None):
    """Unexplained reports of the window within the radius (this one included); with
    `outside`, only those in no episode yet."""
    window = timedelta(minutes=rules.episode_window_minutes)
    where = Q(pk=report.pk)
    if report.h3_cell:
        where |= Q(h3_cell__in=cells.disk(report.h3_cell, rules.episode_radius_km))
    if report.commune_id:
        where |= Q(commune_id=report.commune_id)
    candidates = Report.objects.filter(
        where, territory_id=report.territory_id, explained=False,
        observed_at__gte=report.observed_at - window, observed_at__lte=report.observed_at + window,
    ).only("pk", "latitude", "longitude", "commune_id", "network_hash", "device_hash", "episode_id",
           "h3_cell", "observed_at")
    if outside is not None:
        candidates = candidates.filter(Q(pk=report.pk) | Q(episode__isnull=True))
    return [r for r in candidates if _close(report, r, rules.episode_radius_km)]


def _close(a, b, radius_km):
    if a.pk == b.pk:
        return True
    if a.has_position and b.has_position:
        return distance_km(a.latitude, a.longitude, b.latitude, b.longitude) <= radius_km
    return a.commune_id is not None and a.commune_id == b.commune_id


def _recent_open_episodes(report, rules):
    """The territory's open episodes with a report in the window, first opened first."""
    return list(Episode.objects.filter(
        territory_id=report.territory_id, status=EpisodeStatus.OPEN,
        last_report_at__gte=report.observed_at - timedelta(minutes=rules.episode_window_minutes),
    ).order_by("opened_at"))


def _open_episode_nearby(report, rules, nearby, recent):
    """The open episode that already holds a nearby report, or whose cells are next to this one."""
    ids = {r.episode_id for r in nearby if r.episode_id}
    found = next((e for e in recent if e.pk in ids), None)
    if found or not report.h3_cell:
        return found
    around = set(cells.disk(report.h3_cell, rules.episode_radius_km))
    return next((e for e in recent if around & set(e.cells)), None)


def _open_episode_around(report, rules, recent):
    """For a report with a position: the open episode, first opened, whose cells meet the cells
    within the radius (they hold every nearby report with a position). None sends detect() the
    long way, which also finds episodes of residents who gave only their commune."""
    around = set(cells.disk(report.h3_cell, rules.episode_radius_km))
    return next((e for e in recent if around & set(e.cells)), None)


def _join(episode, reports):
    """_attach for an episode already open: its count goes up by the reports that join it (the
    territory's lock, held, makes that exact) instead of being counted again."""
    joining = [r for r in reports if r.episode_id != episode.pk]
    Report.objects.filter(pk__in=[r.pk for r in joining]).update(episode=episode)
    episode.cells = sorted(set(episode.cells) | {r.h3_cell for r in joining if r.h3_cell})
    episode.report_count += len(joining)
    episode.last_report_at = max([episode.last_report_at] + [r.observed_at for r in joining])
    episode.save(update_fields=["cells", "report_count", "last_report_at"])


def _attach(episode, reports):
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(episode=episode)
    episode.cells = sorted(set(episode.cells) | {r.h3_cell for r in reports if r.h3_cell})
    episode.report_count = episode.reports.count()
    episode.last_report_at = max([episode.last_report_at] + [r.observed_at for r in reports])
    episode.save(update_fields=["cells", "report_count", "last_report_at"])


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
