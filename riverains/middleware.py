from django.conf import settings
from django.utils import translation


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
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
