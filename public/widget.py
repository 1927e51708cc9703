"""The embeddable widget for municipal websites: the notices happening now in chosen communes.

    <iframe src="https://…/relais/widget/seine-estuaire/?communes=76351,76305" …></iframe>
    <script src="https://…/relais/widget/seine-estuaire/widget.js" data-communes="76351,76305"></script>

The frame page is small (no framework, a few hundred bytes of CSS and JS), in French, and may be
framed by any site (this view alone overrides X-Frame-Options and CSP frame-ancestors). It is
revalidated with the territory's public fingerprint (public.cache, riverains.http): a 304 costs
one aggregate. Its addresses stay under /relais/widget/ (riverains/urls.py), where municipal
sites already embed it, although it belongs to the public website."""
import re

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from notices.models import Notice
from riverains.http import conditional, shared_cache_control
from territories.models import Territory
from zones.services import notices_reaching

from .cache import fingerprint

MAX_COMMUNES = 60
MAX_NOTICES = 20
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# Any site may frame the widget (municipal sites are not known in advance).
FRAMEABLE = {"frame-ancestors": ["*"]}


class BadCommunes(ValueError):
    """The communes parameter cannot be used; the message is for the webmaster."""


def chosen_communes(territory, raw):
    """The territory's communes named in `raw` ("76351,76305"); all of them when `raw` is empty."""
    covered = {c.code: c for c in territory.communes.all()}
    codes = [c.strip().upper() for c in (raw or "").split(",") if c.strip()]
    if not codes:
        return sorted(covered.values(), key=lambda c: c.name)
    if len(codes) > MAX_COMMUNES:
        raise BadCommunes(_("Trop de communes : %(max)d au plus.") % {"max": MAX_COMMUNES})
    malformed = [c for c in codes if not INSEE_CODE.match(c)]
    if malformed:
        raise BadCommunes(
            _("« %(code)s » n'est pas un code INSEE de commune (5 caractères, par exemple 76351).")
            % {"code": malformed[0][:20]}
        )
    unknown = [c for c in codes if c not in covered]
    if unknown:
        raise BadCommunes(
            _("La commune %(code)s ne fait pas partie du territoire %(territory)s.")
            % {"code": unknown[0], "territory": territory.name}
        )
    return [covered[c] for c in dict.fromkeys(codes)]


def current_notices(territory, communes):
    """Notices under way that name one of the communes, or whose perception zone reaches one."""
    reached = notices_reaching(territory, [c.code for c in communes])
    return (
        Notice.objects.active()
        .filter(territory=territory)
        .filter(Q(communes__in=communes) | Q(pk__in=reached))
        .distinct()
        .select_related("site", "territory")
        .prefetch_related("communes")
        .order_by("-starts_at")[:MAX_NOTICES]
    )


def _territory(slug):
    return get_object_or_404(Territory.objects.published(), slug=slug)


@require_GET
@xframe_options_exempt
@csp_replace(FRAMEABLE)
def frame(request, territory):
    territory = _territory(territory)
    with translation.override("fr"):
        try:
            communes = chosen_communes(territory, request.GET.get("communes", ""))
        except BadCommunes as e:
            return render(request, "public/widget_error.html", {"territory": territory, "message": str(e)}, status=400)
        codes = ",".join(c.code for c in communes)
        digest, last_modified = fingerprint(territory)

        def page():
            key = f"public:widget:{territory.pk}:{codes}:{digest}"
            response = cache.get(key)
            if response is None:
                response = _render_frame(request, territory, communes)
                cache.set(key, response, settings.PUBLIC_CACHE_SECONDS * 20)
            return response

        return conditional(request, page, etag=quote_etag(f"w-{digest}-{codes}"), last_modified=last_modified,
                           cache_control=shared_cache_control(settings.PUBLIC_CACHE_SECONDS))


def _render_frame(request, territory, communes):
    notices = [
        {"notice": n, "url": request.build_absolute_uri(n.get_absolute_url())}
        for n in current_notices(territory, communes)
    ]
    response = render(request, "public/widget.html", {
        "territory": territory,
        "communes": communes,
        "notices": notices,
        "territory_url": request.build_absolute_uri(reverse("public:territory", args=[territory.slug])),
        "subscribe_url": request.build_absolute_uri(reverse("relay:subscribe", args=[territory.slug])),
    })
    return response


@require_GET
def script(request, territory):
    """The script-tag variant: writes the iframe where the <script> tag stands."""
    territory = _territory(territory)
    with translation.override("fr"):
        response = render(request, "public/widget.js", {"territory": territory},
                          content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def builder(request, territory):
    """A public page for webmasters: tick communes, copy the iframe or script code."""
    territory = _territory(territory)
    all_communes = territory.communes.order_by("name")
    chosen = [c for c in request.GET.getlist("communes") if c]
    error, codes = "", ""
    if chosen:
        try:
            codes = ",".join(c.code for c in chosen_communes(territory, ",".join(chosen)))
        except BadCommunes as e:
            error = str(e)
    frame_url = request.build_absolute_uri(reverse("widget:frame", args=[territory.slug]))
    script_url = request.build_absolute_uri(reverse("widget:script", args=[territory.slug]))
    if codes:
        frame_url += f"?communes={codes}"
    return render(request, "public/widget_builder.html", {
        "territory": territory, "communes": all_communes, "chosen": set(chosen), "codes": codes, "error": error,
        "frame_url": frame_url, "script_url": script_url,
    }, status=400 if error else 200)
