"""The demo inbox's pages, under /console/demo/ — included by console/urls.py in development only."""
from django.urls import path

from . import inbox

urlpatterns = [
    path("boite-de-reception/", inbox.inbox, name="demo_inbox"),
    path("boite-de-reception/vider/", inbox.clear, name="demo_inbox_clear"),
    path("boite-de-reception/sms/", inbox.send_sms, name="demo_inbox_sms"),
    path("boite-de-reception/<str:key>/", inbox.letter_page, name="demo_inbox_letter"),
    path("boite-de-reception/<str:key>/html/", inbox.letter_html, name="demo_inbox_letter_html"),
]
