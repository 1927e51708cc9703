"""Residents' reports, public pages (under the language prefix: /<territory>/signaler/…)."""
from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:territory>/signaler/", views.report_form, name="form"),
    path("<slug:territory>/signaler/reponse/<str:token>/", views.answer, name="answer"),
    path("<slug:territory>/signaler/reponse/<str:token>/supprimer/", views.erase, name="erase"),
    path("<slug:territory>/signalements/", views.map_page, name="map"),
]
