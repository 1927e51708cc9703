"""What needs a person's attention, for the console's home page: each item says what is wrong and
links to the page where it is handled. Scoped like the pages it links to (for_user, editable_by).

- notices past their expected end (to end or extend): operators and coordinators;
- open episodes (reports no notice explains): coordinators, and operators whose site was told;
- notices whose deliveries failed for good lately: coordinators;
- member organizations that have never published: coordinators."""
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from notices.models import Notice, Status
from relay.models import Delivery, DeliveryStatus
from reports.models import Episode, EpisodeStatus
from territories.models import Organization, Territory

FAILURES_SINCE = timedelta(days=30)
SHOWN = 10  # items per group; the group's page lists the rest


@dataclass
class Group:
    key: str
    title: str
    items: list  # [(url, text)]
    more_url: str = ""
    total: int = 0
    notes: list = field(default_factory=list)


def overdue_notices(user):
    notices = Notice.objects.editable_by(user).overdue().select_related("site").order_by("expected_end_at")
    items = [(reverse("console:notice_detail", args=[n.pk]),
              _("« %(title)s » (%(site)s) devait se terminer le %(end)s : terminez-le ou prolongez-le.") % {
                  "title": n.title, "site": n.site.name,
                  "end": date_format(timezone.localtime(n.expected_end_at), "DATETIME_FORMAT")})
             for n in notices[:SHOWN]]
    return Group("overdue", _("Messages à terminer ou prolonger"), items, reverse("console:notice_list"), notices.count())


def open_episodes(user):
    episodes = Episode.objects.for_user(user).filter(status=EpisodeStatus.OPEN).select_related("territory")
    items = [(reverse("console:reports_episode", args=[e.pk]),
              ngettext("Épisode ouvert le %(day)s (%(territory)s) : %(n)d signalement qu'aucun message n'explique.",
                       "Épisode ouvert le %(day)s (%(territory)s) : %(n)d signalements qu'aucun message n'explique.",
                       e.report_count) % {"day": date_format(timezone.localtime(e.opened_at), "DATETIME_FORMAT"),
                                          "territory": e.territory.name, "n": e.report_count})
             for e in episodes[:SHOWN]]
    more = reverse("console:reports_episodes") + "?etat=" + EpisodeStatus.OPEN
    return Group("episodes", pgettext("à traiter", "Épisodes ouverts"), items, more, episodes.count())


def failed_deliveries(user):
    territories = Territory.objects.for_user(user)
    since = timezone.now() - FAILURES_SINCE
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED, created_at__gte=since,
                                     revision__notice__territory__in=territories)
    notices = (
        Notice.objects.filter(revisions__deliveries__in=failed)
        .annotate(failures=Count("revisions__deliveries", distinct=True))
        .order_by("-published_at")
    )
    items = [(reverse("console:relay_notice", args=[n.pk]),
              ngettext("« %(title)s » : %(n)d envoi en échec définitif.",
                       "« %(title)s » : %(n)d envois en échec définitif.", n.failures) % {"title": n.title, "n": n.failures})
             for n in notices[:SHOWN]]
    return Group("deliveries", _("Envois en échec (30 derniers jours)"), items, reverse("console:relay_overview"),
                 notices.count())


def silent_members(user):
    published = Notice.objects.filter(site__organization=OuterRef("pk")).exclude(status=Status.DRAFT)
    organizations = (
        Organization.objects.filter(territory__in=Territory.objects.for_user(user), is_active=True)
        .exclude(Exists(published))
        .select_related("territory")
        .order_by("territory__name", "name")
    )
    items = [(reverse("console:organization_detail", args=[o.pk]),
              _("%(name)s (%(territory)s) n'a encore publié aucun message.") % {"name": o.name, "territory": o.territory.name})
             for o in organizations[:SHOWN]]
    return Group("silent", _("Adhérents qui n'ont jamais publié"), items, reverse("console:manage"), organizations.count())


def attention_for(user, scope):
    """The groups that have something, in the order they are usually urgent."""
    builders = [overdue_notices]
    if scope.has_episodes:
        builders.append(open_episodes)
    if scope.coordinates:
        builders += [failed_deliveries, silent_members]
    return [group for build in builders if (group := build(user)).items]
