"""The embeddable widget's addresses, mounted at /relais/widget/ (riverains/urls.py): municipal
sites embed these, so they keep the place they had when the widget lived in relay."""
from django.urls import path

from . import widget

app_name = "widget"
urlpatterns = [
    path("<slug:territory>/", widget.frame, name="frame"),
    path("<slug:territory>/widget.js", widget.script, name="script"),
]
