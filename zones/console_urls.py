"""Zone settings in the console, mounted at /console/zones/ inside the "console" namespace."""
from django.urls import path

from . import console_views as views

urlpatterns = [
    path("<slug:slug>/", views.zone_settings, name="zones_settings"),
]
