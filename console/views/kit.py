"""The town-hall kit (/console/kit/): for each commune of a territory, a poster to print, the
addresses of its page and feed, and the text of each current notice to paste into the town
hall's app (PanneauPocket, IntraMuros, Illiwap), which publish no API.

Coordinators of the territory and operators of its member companies open it (it is made of
public information, for them to hand to town halls); anyone else gets a 404. Signing in and the
second factor are the console's one rule (console.middleware)."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation

from notices.models import Notice, Status
from notices.town_hall import postcode, sms_keywords, sms_number, town_hall_text
from riverains.collation import french_sorted
from territories.models import Organization, Territory

from .. import poster

# Ended notices stay in the kit this long: a town hall may still want to say "it is over".
RECENTLY_ENDED_DAYS = 2


def kit_territories(user):
    """The territories a user coordinates, or whose member companies they publish for."""
    return Territory.objects.filter(
        Q(pk__in=Territory.objects.for_user(user).values("pk"))
        | Q(pk__in=Organization.objects.for_user(user).values("territory"))
    ).order_by("name")


def _territory(request, slug):
    return get_object_or_404(kit_territories(request.user), slug=slug)


def _commune(territory, code):
    commune = territory.communes.filter(code=code).first()
    if commune is None:
        raise Http404
    return commune


def _absolute(name, *args):
    """An address to hand out: absolute, French (feeds have no language prefix anyway)."""
    with translation.override("fr"):
        return settings.SITE_URL + reverse(name, args=args)


def kit_index(request):
    territories = kit_territories(request.user)
    if not territories.exists():
        raise Http404
    if territories.count() == 1:
        return redirect("console:kit_territory", territory=territories.get().slug)
    return render(request, "console/kit/index.html", {"territories": territories})


def kit_territory(request, territory):
    territory = _territory(request, territory)
    context = {
        "territory": territory,
        "communes": french_sorted(territory.communes.all(), key=lambda c: c.name),
        "podcast_url": _absolute("feeds:podcast", territory.slug),
        "bulletin_url": _absolute("feeds:latest_bulletin", territory.slug),
    }
    return render(request, "console/kit/territory.html", context)


def notices_to_relay(territory, commune, now=None):
    """What a town hall may want to relay now: the commune's notices under way or to come, and
    those that ended in the last two days, the most pressing first."""
    now = now or timezone.now()
    notices = (
        Notice.objects.published().filter(territory=territory, communes=commune)
        .filter(Q(status__in=[Status.SCHEDULED, Status.ONGOING])
                | Q(status__in=[Status.ENDED, Status.CANCELLED], updated_at__gte=now - timedelta(days=RECENTLY_ENDED_DAYS)))
        .select_related("site__commune", "territory")
        .order_by("starts_at", "pk")
    )
    rank = {Status.ONGOING: 0, Status.SCHEDULED: 1}
    notices = sorted(notices, key=lambda n: (0 if n.is_active else rank.get(n.status, 2)))
    return [(notice, town_hall_text(notice)) for notice in notices]


def kit_commune(request, territory, commune):
    territory = _territory(request, territory)
    commune = _commune(territory, commune)
    page_url = poster.commune_page_url(territory, commune)
    context = {
        "territory": territory,
        "commune": commune,
        "page_url": page_url,
        "feed_url": _absolute("feeds:commune_rss", territory.slug, commune.code),
        "qr_svg": poster.qr_data_uri(page_url),
        "keywords": sms_keywords(commune),
        "sms_number": sms_number(territory),
        "postcode": postcode(commune),
        "texts": notices_to_relay(territory, commune),
        "published": territory.is_published,
    }
    return render(request, "console/kit/commune.html", context)


def kit_poster(request, territory, commune):
    territory = _territory(request, territory)
    commune = _commune(territory, commune)
    pdf = poster.render_pdf(territory, commune)
    name = f"riverains-{territory.slug}-affiche-{commune.code}.pdf"
    return HttpResponse(pdf, content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
