"""The town hall's poster: one A4 page per commune, drawn by WeasyPrint from an HTML template,
with the toll-free number, the SMS keywords and a QR code to the commune's public page.

The QR code is segno's SVG (vector: sharp at any printing size), error correction level M,
which still reads when the poster is a little creased or dirty."""
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notices.town_hall import postcode, sms_keywords, sms_number


def commune_page_url(territory, commune):
    """The address the QR code holds: the commune's page in French, absolute."""
    with translation.override("fr"):
        return settings.SITE_URL + reverse("public:commune", args=[territory.slug, commune.code])


def qr_data_uri(url):
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=10, border=4, dark="#000", light="#fff")


# Beyond these lengths the poster is set tighter (see poster.css) so that it stays on one page.
LONG_SIREN_ADVICE = 350
LONG_COMMUNE_NAME = 30
LONG_COORDINATOR = 80


def _compact(territory, commune):
    return (len(territory.siren_advice) > LONG_SIREN_ADVICE or len(commune.name) > LONG_COMMUNE_NAME
            or len(territory.coordinator_name) > LONG_COORDINATOR)


def context(territory, commune):
    url = commune_page_url(territory, commune)
    with translation.override("fr"):  # a French poster, whatever the console's language
        keywords = sms_keywords(commune)
    return {
        "territory": territory,
        "commune": commune,
        "url": url,
        "display_url": url.split("://", 1)[-1],
        "qr": qr_data_uri(url),
        "keywords": keywords,
        "sms_number": sms_number(territory),
        "postcode": postcode(commune),
        "compact": _compact(territory, commune),
    }


def render_pdf(territory, commune):
    from weasyprint import CSS, HTML  # heavy import (pango), only when a poster is asked for

    with translation.override("fr"):
        html = render_to_string("console/kit/poster.html", context(territory, commune))
    stylesheet = CSS(filename=finders.find("css/poster.css"))
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(stylesheets=[stylesheet])
