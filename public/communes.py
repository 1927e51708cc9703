"""A page and an RSS feed per commune of a territory: what concerns that commune, current first.

The page is the address a town hall's poster (console kit) points to with its QR code, so it is
short and stable: /<territory>/communes/<code INSEE>/ (in English under /en/). The feed,
/<territory>/communes/<code INSEE>.rss, is for the town hall's own website and for feed readers:
RSS 2.0 (what town-hall website tools import), one item per revision of the notices concerning
the commune, like the territory's Atom feed. Both are cached under the territory's fingerprint
(public.cache): a notice written anywhere on the territory changes them at once."""
from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from notices.explainers import attach_explainers
from notices.models import Notice
from notices.town_hall import postcode, sms_keywords, sms_number
from riverains.licence import LICENCE_NAME

from .cache import cached_territory_view, published_territory, serve_fingerprinted
from .feeds import FEED_ENTRIES, RevisionFeed, SafeRssFeed, _absolute, _french_url, _public_revisions
from .views import notices_for_display

# The page lists what ended recently too: "was that smell last night normal?"
RECENT_WINDOW = timedelta(days=30)
RECENT_LIMIT = 10


def territory_commune(territory, code):
    """A commune the territory covers, or 404."""
    commune = territory.communes.filter(code=code).first()
    if commune is None:
        raise Http404("commune")
    return commune


def commune_notices(territory, commune):
    return Notice.objects.filter(territory=territory, communes=commune)


@cached_territory_view
def commune_page(request, territory, commune):
    commune = territory_commune(territory, commune)
    notices, now = commune_notices(territory, commune), timezone.now()
    recent = notices.ended().filter(starts_at__gte=now - RECENT_WINDOW).order_by("-starts_at", "-pk")[:RECENT_LIMIT]
    context = {
        "territory": territory,
        "commune": commune,
        "active": attach_explainers(notices_for_display(notices.active(now)).order_by("-starts_at", "-pk")),
        # Every scheduled operation to come, not only the week's: a commune has few.
        "upcoming": attach_explainers(notices_for_display(notices.published().filter(
            status="scheduled", starts_at__gt=now)).order_by("starts_at", "pk")),
        "recent": attach_explainers(notices_for_display(recent)),
        "keywords": sms_keywords(commune),
        "sms_number": sms_number(territory),
        "postcode": postcode(commune),
    }
    return render(request, "public/commune.html", context)


# --- RSS ---------------------------------------------------------------------------------------


class CommuneFeed(RevisionFeed):
    """The territory's Atom feed narrowed to one commune, as RSS 2.0: one item per revision of
    the notices concerning the commune, newest first."""

    feed_type = SafeRssFeed  # the data's licence is the channel's copyright (RevisionFeed's)
    feed_copyright = LICENCE_NAME

    def get_object(self, request, territory, commune):
        return territory, commune

    def title(self, obj):
        territory, commune = obj
        return f"Riverains — {commune.name} ({territory.name})"

    def description(self, obj):
        return f"Ce que font les sites industriels et qui concerne {obj[1].name}. Information, pas une alerte."

    def subtitle(self, obj):
        return None

    def link(self, obj):
        return _french_url("public:commune", obj[0].slug, obj[1].code)

    def feed_url(self, obj):
        return _absolute(reverse("feeds:commune_rss", args=[obj[0].slug, obj[1].code]))

    def feed_guid(self, obj):
        return None

    def author_name(self, obj):
        return obj[0].coordinator_name or obj[0].name

    def items(self, obj):
        territory, commune = obj
        return _public_revisions(territory).filter(notice__communes=commune).order_by("-created_at", "-pk")[:FEED_ENTRIES]


def commune_rss(request, territory, commune):
    territory = published_territory(territory)
    commune = territory_commune(territory, commune)

    def render_feed():
        with translation.override("fr"):
            return CommuneFeed().get_feed((territory, commune), request).writeString("utf-8")

    return serve_fingerprinted(request, territory, "commune-rss", commune.code, render_feed,
                               "application/rss+xml; charset=utf-8")
