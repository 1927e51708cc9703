"""Headers of the open data: the public read API and the territory feeds.

Any web page may read them (CORS `Access-Control-Allow-Origin: *`), so that a partner's page —
a town hall's, a newspaper's, an air-quality network's — can show the notices with a few lines
of JavaScript; every answer names the data's licence (RFC 8288 `Link: …; rel="license"`).

Only GET and HEAD, and only the "api" and "feeds" URL namespaces: the write API (POST, PATCH),
the console and the residents' forms never get these headers, and no preflight is answered, so
a browser can neither send an API token nor a cookie across origins."""
from .licence import link_header

OPEN_NAMESPACES = {"api", "feeds"}
READ_METHODS = {"GET", "HEAD"}


def is_open_data(request):
    match = getattr(request, "resolver_match", None)
    return request.method in READ_METHODS and match is not None and not OPEN_NAMESPACES.isdisjoint(match.namespaces)


class OpenDataHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_open_data(request):
            response["Access-Control-Allow-Origin"] = "*"
            # Cross-origin scripts read only "simple" headers unless told: the ETag for a
            # conditional request, the licence link.
            response["Access-Control-Expose-Headers"] = "ETag, Link"
            response["Link"] = link_header()
        return response
