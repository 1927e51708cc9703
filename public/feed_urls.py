"""Machine-readable outputs per territory: one address, no language prefix."""
from django.urls import path

from . import communes, feeds, podcast

app_name = "feeds"
urlpatterns = [
    path("<slug:territory>/feed.atom", feeds.atom, name="atom"),
    path("<slug:territory>/cap.xml", feeds.cap, name="cap"),
    # One CAP 1.2 <alert> per revision, listed by the Atom index at cap.xml.
    path("<slug:territory>/cap/<int:notice>-<int:revision>.xml", feeds.cap_alert, name="cap_alert"),
    path("<slug:territory>/planned.ics", feeds.ical, name="ical"),
    path("<slug:territory>/notices.csv", feeds.csv_export, name="csv"),
    path("<slug:territory>/communes/<str:commune>.rss", communes.commune_rss, name="commune_rss"),
    # The spoken bulletin as a podcast, and the bulletin now at one address (radio, smart speakers).
    path("<slug:territory>/podcast.rss", podcast.podcast, name="podcast"),
    path("<slug:territory>/bulletin.mp3", podcast.latest_bulletin, name="latest_bulletin"),
]
