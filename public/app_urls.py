"""The app's own files at the root of the site, whatever the language (see public/app.py)."""
from django.urls import path

from . import app

app_name = "app"
urlpatterns = [
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("favicon.ico", app.favicon, name="favicon"),
]
