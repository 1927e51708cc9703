"""Phone line in the console (/console/telephone/), for coordinators."""
from django.urls import path

from . import console_views

urlpatterns = [
    path("", console_views.stats_index, name="voice_stats"),
    path("<slug:territory>/", console_views.territory_stats, name="voice_territory_stats"),
]
