"""Language-independent addresses of the reports app, mounted at /signalements/."""
from django.urls import path

from . import views

app_name = "reports_hooks"
urlpatterns = [
    path("<slug:territory>/carte.json", views.map_data, name="map_data"),
]
