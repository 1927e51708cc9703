# Included in the "console" namespace: names are prefixed with relay_.
from django.urls import path

from . import console_views

urlpatterns = [
    path("", console_views.overview, name="relay_overview"),
    path("messages/<int:pk>/", console_views.notice_deliveries, name="relay_notice"),
]
