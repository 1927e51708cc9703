import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class UrlLanguageMiddleware:
    """The language is in the URL and nowhere else: /en/… is English, everything else French.

    Django's LocaleMiddleware also looks at Accept-Language and cookies and then adds
    `Vary: Accept-Language`, which makes proxies and CDNs keep one copy of each public page per
    browser language — during a surge, that defeats the cache. Here a URL always gives the same
    bytes, feeds and the API are always French, and nothing varies on the language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other requests (and runs tasks) next: leave no language behind.
            translation.deactivate()
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class DatabaseUnavailableMiddleware:
    """A database that is restarting or unreachable gives a clear temporary error, not a 500.

    Residents get a short page "Service momentanément indisponible" and API clients the usual
    JSON problem, both as 503 with Retry-After, never cached. The next request opens a fresh
    connection by itself (CONN_HEALTH_CHECKS), so the service recovers without a restart; a
    reverse proxy may meanwhile serve its last copy of public pages (proxy_cache_use_stale)."""

    RETRY_AFTER_SECONDS = 10

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A NUL in the address or query string can mean nothing here, and PostgreSQL refuses it
        # in any comparison (DataError): refuse it upfront with the usual client error.
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return self.bad_request(request)
        return self.get_response(request)

    def bad_request(self, request):
        message = translation.gettext("Requête invalide : une valeur envoyée n'est pas utilisable (caractère nul, nombre trop grand…).")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {}}, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(render_to_string("503.html", {"title": translation.gettext("Requête invalide"), "message": message,
                                                         "LANGUAGE_CODE": translation.get_language()}), status=400)

    def process_exception(self, request, exception):
        from django.db import DataError, InterfaceError, OperationalError

        if isinstance(exception, DataError):
            # A value the database cannot hold or compare (out of range, NUL…) came from the
            # client: its error, not a 500. Logged, since a form should have said it first.
            logger.warning("Refused value on %s: %s", request.path_info[:200], str(exception).strip()[:200])
            return self.bad_request(request)
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("Database unavailable: %s", str(exception).strip()[:200])
        message = translation.gettext("Service momentanément indisponible, réessayez dans quelques instants.")
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message, "errors": {}}, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            html = render_to_string("503.html", {"message": message, "LANGUAGE_CODE": translation.get_language()})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


class ProxiedClientAddressMiddleware:
    """Behind nginx every request comes from 127.0.0.1: rate limits on reports, subscriptions
    and logins would then treat all residents as one. With TRUSTED_PROXY_COUNT = n (the number of
    proxies we run in front of the app), REMOTE_ADDR becomes the address the outermost of them saw
    — the n-th from the right in X-Forwarded-For; anything further left was written by the
    client and is not trusted."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.count = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.count:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            if len(hops) >= self.count:
                request.META["REMOTE_ADDR"] = hops[-self.count]
        return self.get_response(request)
