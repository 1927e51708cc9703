"""Phone line: provider webhooks and audio bulletins, under /voix/ (one address whatever the
language: the phone line speaks French)."""
from django.urls import path

from . import ivr, views

app_name = "voice"
urlpatterns = [
    path("appel", ivr.incoming_call, name="call"),
    path("menu", ivr.menu, name="menu"),
    path("statut", ivr.call_status, name="status"),
    path("<slug:territory>/bulletin.wav", views.bulletin_file, {"name": "bulletin.wav"}, name="bulletin_mulaw"),
    path("<slug:territory>/bulletin-alaw.wav", views.bulletin_file, {"name": "bulletin-alaw.wav"}, name="bulletin_alaw"),
    path("<slug:territory>/bulletin.mp3", views.bulletin_file, {"name": "bulletin.mp3"}, name="bulletin_mp3"),
    path("<slug:territory>/bulletin.txt", views.bulletin_file, {"name": "bulletin.txt"}, name="bulletin_text"),
    path("<slug:territory>/rubriques/<slug:name>.wav", views.section_file, name="section"),
    path("<slug:territory>/anglais/<slug:name>.wav", views.english_file, name="english"),  # issue 16
    path("<slug:territory>/messages/<int:pk>.mp3", views.notice_file, {"ext": "mp3"}, name="notice_audio"),
    path("<slug:territory>/messages/<int:pk>.txt", views.notice_file, {"ext": "txt"}, name="notice_text"),
]
