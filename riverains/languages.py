"""Page languages and summary languages (issue 16).

The site has pages in French and English (settings.LANGUAGES, /en/…). A notice's structured
summary also exists in Arabic, Spanish, Portuguese and Turkish (settings.SUMMARY_LANGUAGES), and
a subscriber may read in one of those: their messages then carry the summary in it, while the
fixed parts and links are those of a page language (French, the territory's). `page_patterns`
makes sure that a link built while such a language is active goes to the French page rather
than to an /ar/… address that does not exist."""
from django.conf import settings
from django.urls import URLResolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language


def page_language(code):
    """The page language for `code`: itself when the site has pages in it, French otherwise."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class PageLanguagePrefix(LocalePrefixPattern):
    """i18n_patterns' prefix, but only for page languages: none while a summary-only language
    (Arabic…) is active."""

    @property
    def language_prefix(self):
        if page_language(get_language() or settings.LANGUAGE_CODE) != (get_language() or settings.LANGUAGE_CODE):
            return ""
        return super().language_prefix


def page_patterns(*urls, prefix_default_language=False):
    """i18n_patterns with PageLanguagePrefix."""
    return [URLResolver(PageLanguagePrefix(prefix_default_language=prefix_default_language), list(urls))]
