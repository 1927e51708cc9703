"""The figures a coordinator and the steering committee read, per territory and period.

Every function takes a territory and a `Period` — calendar days [start, end) in Europe/Paris, so
a period starts at local midnight whatever the daylight-saving offset — and returns plain Python
values (lists of (label, value), numbers, timedeltas). Presentation lives in stats.dashboard.

"Notices of the period" are the published notices (scheduled, ongoing or ended; not drafts, not
cancelled or withdrawn) whose start falls in the period and has come: what residents could see
happen. An operation scheduled after now counts once it begins, on the console page and in the
yearly report alike (both call these functions), so that the same year gives the same figures."""
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext

from notices.models import Category, Kind, Notice, Status
from territories.models import Organization

from .models import AudienceKind, CommuneFollowerChange, DailyCount, EndedSubscriptions

PARIS = ZoneInfo("Europe/Paris")
COUNTED_STATUSES = [Status.SCHEDULED, Status.ONGOING, Status.ENDED]


@dataclass(frozen=True)
class Period:
    start: date  # first day included
    end: date  # first day excluded

    @property
    def start_at(self):
        return local_midnight(self.start)

    @property
    def end_at(self):
        return local_midnight(self.end)

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    def days(self):
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    def months(self):
        """First day of every month the period touches."""
        month, found = self.start.replace(day=1), []
        while month < self.end:
            found.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return found

    def weeks(self):
        """Monday of every week the period touches."""
        monday, found = self.start - timedelta(days=self.start.weekday()), []
        while monday < self.end:
            found.append(monday)
            monday += timedelta(weeks=1)
        return found

    @classmethod
    def year(cls, year):
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    def previous_year(self):
        return Period(_years_before(self.start, 1), _years_before(self.end, 1))


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def local_midnight(day):
    """The instant a Paris calendar day begins, in UTC: arithmetic on it then counts real hours
    (23 on the spring daylight-saving day, 25 in autumn), not wall-clock ones."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def local_day(moment):
    return moment.astimezone(PARIS).date()


def zero_filled(keys, counts):
    return [(key, counts.get(key, 0)) for key in keys]


def _in_period(field, period):
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at})


def _count_per_day(queryset, field, period):
    rows = queryset.annotate(day=TruncDate(field, tzinfo=PARIS)).values("day").annotate(n=Count("pk"))
    return zero_filled(period.days(), {row["day"]: row["n"] for row in rows})


def _ranked(rows):
    """(label, count) rows, largest first, then by label."""
    return sorted(rows, key=lambda row: (-row[1], str(row[0])))


def _median(durations):
    return statistics.median(durations) if durations else None


# --- notices ---------------------------------------------------------------------------------


def figures_as_of():
    """The moment the figures stop at: now. A period reaching past it is counted up to it."""
    return timezone.now()


def _started(period):
    return _in_period("starts_at", period) & Q(starts_at__lte=figures_as_of())


def notices(territory, period):
    return Notice.objects.filter(_started(period), territory=territory, status__in=COUNTED_STATUSES)


def notice_count(territory, period):
    return notices(territory, period).count()


def cancelled_count(territory, period):
    """Announced, then cancelled by the operator or withdrawn by the coordinator (by the date the
    operation was to start, as for the others)."""
    return Notice.objects.filter(_started(period), territory=territory, status=Status.CANCELLED).count()


def counted_until(period):
    """The moment the period's figures stop at, when it is before the period's end (a period that
    runs past now), else None."""
    now = figures_as_of()
    return now if now < period.end_at else None


def notices_by_month(territory, period):
    counts = {}
    for starts_at in notices(territory, period).values_list("starts_at", flat=True):
        month = local_day(starts_at).replace(day=1)
        counts[month] = counts.get(month, 0) + 1
    return zero_filled(period.months(), counts)


def notices_by_site(territory, period):
    rows = notices(territory, period).values("site__name").annotate(n=Count("pk"))
    return _ranked([(row["site__name"], row["n"]) for row in rows])


def notices_by_organization(territory, period):
    rows = notices(territory, period).values("site__organization__name").annotate(n=Count("pk"))
    return _ranked([(row["site__organization__name"], row["n"]) for row in rows])


def notices_by_category(territory, period):
    labels = dict(Category.choices)
    rows = notices(territory, period).values("category").annotate(n=Count("pk"))
    return _ranked([(labels.get(row["category"], row["category"]), row["n"]) for row in rows])


def notices_by_category_and_site(territory, period):
    """{site name: {category label: count}}, for the yearly report's cross table."""
    labels = dict(Category.choices)
    table = {}
    for row in notices(territory, period).values("site__name", "category").annotate(n=Count("pk")):
        table.setdefault(row["site__name"], {})[labels.get(row["category"], row["category"])] = row["n"]
    return dict(sorted(table.items()))


def planned_and_observed(territory, period):
    rows = dict(notices(territory, period).values_list("kind").annotate(n=Count("pk")))
    return [(label, rows.get(value, 0)) for value, label in Kind.choices]


def median_lead_time(territory, period):
    """Planned operations: how long before their start they were announced (median)."""
    pairs = notices(territory, period).filter(kind=Kind.PLANNED).values_list("starts_at", "published_at")
    return _median([starts_at - published_at for starts_at, published_at in pairs if published_at])


def median_publication_delay(territory, period):
    """Observed events: how long after they began they were published (median). An event
    published a few minutes ahead of its given start counts as a negative delay."""
    pairs = notices(territory, period).filter(kind=Kind.OBSERVED).values_list("starts_at", "published_at")
    return _median([published_at - starts_at for starts_at, published_at in pairs if published_at])


def ended_on_time(territory, period):
    """(ended no later than announced, ended with an announced end): the share is the first
    over the second. Notices without an expected end cannot be late and are left out."""
    ended = notices(territory, period).filter(status=Status.ENDED, expected_end_at__isnull=False, ended_at__isnull=False)
    return ended.filter(ended_at__lte=F("expected_end_at")).count(), ended.count()


def silent_organizations(territory, period):
    """Active member organizations that published no notice starting in the period."""
    published = notices(territory, period).values("site__organization")
    return list(
        Organization.objects.filter(territory=territory, is_active=True).exclude(pk__in=published).values_list("name", flat=True)
    )


# --- audience --------------------------------------------------------------------------------


def page_views_per_day(territory, period):
    """[(day, {kind: views})] for every day of the period, every kind present (0 when none)."""
    counts = {}
    rows = DailyCount.objects.filter(territory=territory, day__gte=period.start, day__lt=period.end)
    for day, kind, count in rows.values_list("day", "kind", "count"):
        counts.setdefault(day, {})[kind] = count
    return [(day, {kind: counts.get(day, {}).get(kind, 0) for kind in AudienceKind.values}) for day in period.days()]


def page_views_by_kind(territory, period):
    labels = dict(AudienceKind.choices)
    totals = {kind: 0 for kind in AudienceKind.values}
    for _day, per_kind in page_views_per_day(territory, period):
        for kind, count in per_kind.items():
            totals[kind] += count
    return [(labels[kind], totals[kind]) for kind in AudienceKind.values]


def _model(app_label, name):
    """A model of an optional part (phone line, relay, reports), or None when it is not there."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def calls_per_day(territory, period):
    """Toll-free calls per day, or None when the phone line is not installed."""
    call = _model("voice", "Call")
    if call is None:
        return None
    return _count_per_day(call.objects.filter(_in_period("started_at", period), territory=territory), "started_at", period)


def subscribers_by_channel_over_time(territory, period):
    """[(month, {channel label: confirmed subscribers at the end of that month})].

    Subscribers who leave are deleted, so the count is today's subscriptions confirmed before
    that midnight, plus the subscriptions that have ended since and had been confirmed before it,
    minus those that had already ended (stats.models.EndedSubscriptions). Departures from before
    that record began (`departures_known_since`) are unknown: earlier months may count too few."""
    subscription = _model("relay", "Subscription")
    if subscription is None:
        return None
    channels = subscription._meta.get_field("channel").choices
    change = {value: {} for value, _label in channels}  # channel -> {day: net change that day}
    confirmed = (
        subscription.objects.filter(territory=territory, confirmed_at__lt=period.end_at)
        .annotate(day=TruncDate("confirmed_at", tzinfo=PARIS))
        .values("channel", "day")
        .annotate(n=Count("pk"))
    )
    for row in confirmed:
        _add_to(change, row["channel"], row["day"], row["n"])
    ended = EndedSubscriptions.objects.filter(territory=territory, day__lt=period.end)
    for channel, day, started, left in ended.values_list("channel", "day", "confirmed", "ended"):
        _add_to(change, channel, day, started - left)
    series = []
    for month in period.months():
        end = month_end(month, period)
        series.append((month, {label: sum(n for day, n in change[value].items() if day < end) for value, label in channels}))
    return series


def month_end(day, period):
    """The first day after the month of `day`, or after the period if it ends sooner."""
    return min((day.replace(day=1) + timedelta(days=32)).replace(day=1), period.end)


def _add_to(table, key, day, n):
    per_day = table.setdefault(key, {})
    per_day[day] = per_day.get(day, 0) + n


def subscribers_by_commune(territory, period):
    """Confirmed subscribers at the end of the period per commune they followed then; those who
    followed the whole territory are counted under their own heading. As for the channels,
    today's subscriptions are corrected by what has changed since (stats.models.CommuneFollowerChange):
    subscribers who left, communes dropped or taken up later."""
    subscription = _model("relay", "Subscription")
    if subscription is None:
        return None
    confirmed = subscription.objects.filter(territory=territory, confirmed_at__lt=period.end_at)
    counts, names = {}, {}
    rows = confirmed.filter(communes__isnull=False).values("communes", "communes__name").annotate(n=Count("pk", distinct=True))
    for row in rows:
        counts[row["communes"]], names[row["communes"]] = row["n"], row["communes__name"]
    counts[None] = confirmed.filter(communes__isnull=True).count()
    changes = (
        CommuneFollowerChange.objects.filter(territory=territory, day__lt=period.end)
        .values("commune", "commune__name")
        .annotate(n=Sum("change"))
    )
    for row in changes:
        counts[row["commune"]] = counts.get(row["commune"], 0) + row["n"]
        names.setdefault(row["commune"], row["commune__name"])
    everywhere = counts.pop(None)
    result = _ranked([(names[commune], n) for commune, n in counts.items() if n > 0])
    return result + ([(_whole_territory(), everywhere)] if everywhere > 0 else [])


def departures_known_since():
    """When departures began to be recorded — when the migration creating their table was applied
    to this database — or None if that is not known. Counts at earlier midnights may be low."""
    recorder = MigrationRecorder(connections[EndedSubscriptions.objects.db])
    if not recorder.has_table():
        return None
    applied = recorder.migration_qs.filter(app="stats", name="0002_subscriber_movements").values_list("applied", flat=True)
    return applied.first()


def _whole_territory():
    return gettext("tout le territoire")


def deliveries_by_channel(territory, period):
    """[(channel label, sent, failed)] for deliveries of the territory's notices in the period."""
    delivery = _model("relay", "Delivery")
    if delivery is None:
        return None
    labels = dict(delivery._meta.get_field("channel").choices)
    rows = (
        delivery.objects.filter(_in_period("created_at", period), revision__notice__territory=territory)
        .values("channel")
        .annotate(sent=Count("pk", filter=Q(status="sent")), failed=Count("pk", filter=Q(status="failed")))
    )
    found = {row["channel"]: (row["sent"], row["failed"]) for row in rows}
    return [(label, *found.get(value, (0, 0))) for value, label in labels.items()]


# --- residents' reports ----------------------------------------------------------------------


def reports_per_week(territory, period):
    """[(Monday, reports, explained by a notice)] for every week the period touches."""
    report = _model("reports", "Report")
    if report is None:
        return None
    rows = (
        report.objects.filter(_in_period("observed_at", period), territory=territory)
        .annotate(week=TruncWeek("observed_at", tzinfo=PARIS))
        .values("week")
        .annotate(n=Count("pk"), explained=Count("pk", filter=Q(explained=True)))
    )
    found = {local_day(row["week"]) if isinstance(row["week"], datetime) else row["week"]: row for row in rows}
    return [(week, found.get(week, {}).get("n", 0), found.get(week, {}).get("explained", 0)) for week in period.weeks()]


def reports_explained(territory, period):
    """(explained by a notice, all reports) in the period."""
    report = _model("reports", "Report")
    if report is None:
        return None
    reports = report.objects.filter(_in_period("observed_at", period), territory=territory)
    return reports.filter(explained=True).count(), reports.count()


def episodes(territory, period):
    """{"opened", "explained", "median_time_to_explanation"} for episodes opened in the period.
    An episode is explained when a notice is linked to it; it is then closed at that moment."""
    episode = _model("reports", "Episode")
    if episode is None:
        return None
    opened = episode.objects.filter(_in_period("opened_at", period), territory=territory)
    explained = opened.filter(status="explained", closed_at__isnull=False).values_list("opened_at", "closed_at")
    return {
        "opened": opened.count(),
        "explained": len(explained),
        "median_time_to_explanation": _median([closed - opened_at for opened_at, closed in explained]),
    }
