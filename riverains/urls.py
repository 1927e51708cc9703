from django.contrib import admin
from django.urls import include, path

from .health import health
from .languages import page_patterns

# Feeds, API and the console have one address whatever the language; public pages are in
# French at /<territory>/ and in English at /en/<territory>/ (distinct URLs cache well).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("sante/", health, name="health"),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("voix/", include("voice.urls")),  # phone-line webhooks and audio bulletins
    path("relais/widget/", include("public.widget_urls")),  # the embeddable widget (public)
    path("relais/", include("relay.hooks_urls")),  # inbound SMS, push endpoints
    path("signalements/", include("reports.hooks_urls")),
    path("", include("public.feed_urls")),
    path("", include("public.app_urls")),  # /sw.js, /manifest.webmanifest, /favicon.ico
]
# i18n_patterns, but links built in a summary-only language (Arabic…) go to the French pages.
urlpatterns += page_patterns(
    path("console/", include("console.urls")),
    path("", include("relay.urls")),  # subscribe, confirm, manage preferences
    path("", include("reports.urls")),  # residents' reports
    path("", include("zones.urls")),  # the zone model's page, under comprendre/
    path("", include("public.urls")),
    prefix_default_language=False,
)
