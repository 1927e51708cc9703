"""Which published notices probably explain what a resident perceives.

A notice explains a report when all three hold:
- perception: what the resident perceives is something the notice says can be perceived
  (a smell is not explained by a siren test);
- time: the report falls within the notice's span, widened by margins (a flare is seen before
  the notice is typed, a smell lingers after the operation ends);
- place: the resident is in one of the notice's communes, or within the distance at which that
  kind of perception carries from the site (a flame is seen from much farther than a smell).
Inside the notice's current perception zone (zones app: where the wind carries it), the match
ranks higher and its "why" says so. Best match first, each with a short French "why" the
resident can check."""
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import Notice, Perception, Status
from territories.geo import distance_km
from zones.matching import inside as inside_zone
from zones.models import Zone

from . import conf
from .models import ReportKind

PERCEPTION_OF_KIND = {
    ReportKind.ODOUR: {Perception.OLFACTORY},
    ReportKind.NOISE: {Perception.AUDIBLE},
    ReportKind.VIBRATION: {Perception.AUDIBLE},
    ReportKind.SMOKE_STEAM: {Perception.VISIBLE},
    ReportKind.FLAME: {Perception.VISIBLE},
    ReportKind.LIGHT: {Perception.VISIBLE},
    ReportKind.OTHER: set(Perception.values),
}
EXPLAINING_STATUSES = [Status.SCHEDULED, Status.ONGOING, Status.ENDED]
ZONE_BONUS = 0.5  # more than a named commune (0.2) or being nearer (at most 0.5 between two notices)


@dataclass
class Match:
    notice: Notice
    score: float
    why: str
    distance_km: float | None


def margins():
    return (timedelta(minutes=conf.get("REPORTS_MARGIN_BEFORE_MINUTES")),
            timedelta(minutes=conf.get("REPORTS_MARGIN_AFTER_MINUTES")))


def notice_prefetch():
    """What explains() reads of each candidate notice besides its site: its communes, its current zone."""
    return ("communes", Prefetch("zones", queryset=Zone.objects.filter(is_current=True), to_attr="current_zones"))


def candidate_notices(territory, observed_at):
    """Published notices of the territory whose span (with margins) contains observed_at."""
    before, after = margins()
    still_running = Q(status__in=[Status.SCHEDULED, Status.ONGOING])
    ended_recently = Q(ended_at__gte=observed_at - after) | Q(ended_at__isnull=True, expected_end_at__gte=observed_at - after)
    return (
        Notice.objects.filter(territory=territory, status__in=EXPLAINING_STATUSES, starts_at__lte=observed_at + before)
        .filter(still_running | ended_recently)
        .select_related("site", "site__commune")
        .prefetch_related(*notice_prefetch())
    )


def is_candidate(notice, observed_at, before, after):
    """candidate_notices' filter, for one notice already read (reports.snapshot)."""
    if notice.status not in EXPLAINING_STATUSES or notice.starts_at > observed_at + before:
        return False
    if notice.status in (Status.SCHEDULED, Status.ONGOING):
        return True
    if notice.ended_at is not None:
        return notice.ended_at >= observed_at - after
    return notice.expected_end_at is not None and notice.expected_end_at >= observed_at - after


def match(report, notices=None):
    """Notices that probably explain the (possibly unsaved) report, best first."""
    notices = candidate_notices(report.territory, report.observed_at) if notices is None else notices
    found = [m for m in (explains(notice, report) for notice in notices) if m]
    return sorted(found, key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else 0))


def explains(notice, report):
    """A Match when the notice explains the report, else None."""
    if notice.status not in EXPLAINING_STATUSES or notice.territory_id != report.territory_id:
        return None
    if not set(notice.perceptions) & PERCEPTION_OF_KIND[ReportKind(report.kind)]:
        return None
    time_factor = _time_factor(notice, report.observed_at)
    if time_factor is None:
        return None
    place = _place(notice, report)
    if place is None:
        return None
    place_factor, distance = place
    why = _why(notice, report, distance)
    in_zone = inside_zone(notice, report)
    if in_zone:  # the wind carries it here now: likelier than distance alone says
        place_factor += ZONE_BONUS
        why = f"{why} ; {in_zone}"
    return Match(notice, round(place_factor * time_factor, 3), why, distance)


def _end(notice):
    """When the notice stopped, or None while it may still be going on."""
    if notice.status == Status.ENDED:
        return notice.ended_at or notice.expected_end_at
    return None


def _time_factor(notice, observed_at):
    """1 inside the notice's span, less within the margins, None outside."""
    before, after = margins()
    end = _end(notice)
    if observed_at < notice.starts_at - before or (end is not None and observed_at > end + after):
        return None
    inside = observed_at >= notice.starts_at and (end is None or observed_at <= end)
    return 1.0 if inside else 0.7


def _place(notice, report):
    """(factor, distance in km or None) when the report is in the notice's area, else None."""
    commune_ids = {c.pk for c in notice.communes.all()} | {notice.site.commune_id}
    in_communes = report.commune_id is not None and report.commune_id in commune_ids
    distance = None
    if report.latitude is not None and report.longitude is not None:
        distance = distance_km(report.latitude, report.longitude, notice.site.latitude, notice.site.longitude)
        reach = conf.get("REPORTS_RANGE_KM")[report.kind]
        if distance <= reach:
            # Nearer is likelier; a commune named by the operator adds confidence.
            return (1.0 - 0.5 * distance / reach) + (0.2 if in_communes else 0.0), distance
    if in_communes:
        return 0.7, distance
    return None


def hour(moment):
    """"15 h" or "15 h 30", in the territory's time zone."""
    local = timezone.localtime(moment)
    return f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"


def _why(notice, report, distance):
    what = notice.get_category_display()
    where = (
        _("à %(km)s km") % {"km": _km(distance)} if distance is not None
        # "dans la zone annoncée": the participle agrees with "zone", whatever the category
        # ("Odeur en cours annoncé" did not agree with "odeur").
        else _("dans la zone annoncée (%(commune)s)") % {"commune": report.commune.name}
    )
    end = _end(notice)
    if end is not None:
        return _("%(what)s, fin à %(end)s, %(where)s") % {"what": what, "end": hour(end), "where": where}
    if notice.starts_at > report.observed_at:
        return _("%(what)s à partir de %(start)s, %(where)s") % {
            "what": what, "start": hour(notice.starts_at), "where": where}
    if notice.expected_end_at:
        return _("%(what)s en cours %(where)s, jusqu'à %(end)s") % {
            "what": what, "where": where, "end": hour(notice.expected_end_at)}
    return _("%(what)s en cours %(where)s") % {"what": what, "where": where}


def _km(distance):
    return f"{distance:.0f}" if distance >= 2 else f"{distance:.1f}".replace(".", ",")
