"""The installable app: web manifests (one per territory and language, so that the app opens on
the resident's territory), the service worker (offline copies and web push) and the favicon.

The service worker is served from the root (/sw.js) so that its scope covers every public page,
French and English; it is a template so that the files it keeps for offline use carry their
current static names (hashed in production)."""
import hashlib
import json

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .cache import published_territory

THEME_COLOUR = "#12263a"  # the header's colour (static/css/riverains.css, --brand)
BACKGROUND_COLOUR = "#ffffff"
# What the service worker keeps from the start: enough to draw any page it has a copy of.
SHELL = ["css/riverains.css", "js/public-app.js", "js/public-territory.js", "js/public-live.js",
         "icons/icon-192.png", "icons/icon.svg"]


def _icons():
    return [
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]


def _manifest(name, short_name, start_url):
    data = {
        "id": start_url,
        "name": name,
        "short_name": short_name,
        "description": _("Ce que font les sites industriels près de chez vous : information, pas alerte."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": _icons(),
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/manifest+json")
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request):
    """The whole service (pages that belong to no territory)."""
    return _manifest("Riverains", "Riverains", reverse("public:home"))


@require_GET
@cache_control(public=True, max_age=3600)
def territory_manifest(request, territory):
    territory = published_territory(territory)
    return _manifest(f"Riverains · {territory.name}", _short(territory.name),
                     reverse("public:territory", args=[territory.slug]))


def _short(name):
    """Under the icon there is room for a word or two: "Seine-Estuaire", not "… (démonstration)"."""
    return name.split(" (")[0][:24]


def _shell_urls():
    return [static(path) for path in SHELL]


@require_GET
def service_worker(request):
    shell = _shell_urls()
    body = render_to_string("public/sw.js", {"shell_json": json.dumps(shell), "offline_title": _("Hors ligne")})
    version = hashlib.blake2b(body.encode(), digest_size=6).hexdigest()
    response = HttpResponse(body.replace("__VERSION__", version), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker at each visit; the worker itself decides what is cached.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    return FileResponse(open(settings.BASE_DIR / "static" / "icons" / "favicon.ico", "rb"), content_type="image/x-icon")
