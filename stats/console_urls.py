"""Statistics in the console, mounted at /console/statistiques/ inside the "console" namespace."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="stats_index"),
    path("<slug:territory>/", views.territory_stats, name="stats_territory"),
    path("<slug:territory>/csv/<slug:figure>.csv", views.figure_csv, name="stats_csv"),
    path("<slug:territory>/rapport-<int:year>.pdf", views.yearly_report, name="stats_yearly_report"),
]
