"""The spoken bulletin as a podcast, and one address for "the bulletin now", per territory.

- /<territory>/podcast.rss — RSS 2.0 with Apple's podcast tags (what podcast apps read): one
  episode, the current bulletin (voice.services writes it as MP3 on every change of the
  territory's notices). Its guid is the MP3's SHA-256, so a new bulletin is a new episode and an
  unchanged one stays the same; its enclosure carries the same hash in a query string, so an app
  that downloaded an older bulletin never mistakes the new file for it.
- /<territory>/bulletin.mp3 — the current bulletin itself, for local radio automation and smart
  speakers: a stable address serving the bytes directly (ranges and ETag as the phone line's files,
  voice.views), no redirect for players that follow none.

The feed is cached under the territory's fingerprint *and* the bulletin's identity: the MP3 is
regenerated after the notice change that moves the fingerprint, so the fingerprint alone would
keep serving the feed of the previous bulletin."""
from pathlib import Path

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure

from voice import views as voice_views
from voice.services import ensure_bulletin, territory_dir

from .cache import published_territory, serve_fingerprinted
from .feeds import SafeRssFeed, _absolute, _french_url, _host

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# Square, 1400 px, RGB JPEG: what Apple's directory asks for (public/make_icons.py draws it).
ARTWORK = "icons/podcast-1400.jpg"
MP3 = "bulletin.mp3"


class PodcastFeed(SafeRssFeed):
    """RSS 2.0 + the itunes: namespace."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["author_name"])
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:image", None, {"href": self.feed["artwork"]})
        handler.addQuickElement("itunes:category", None, {"text": "News"})
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:type", "episodic")
        if self.feed["owner_email"]:
            handler.startElement("itunes:owner", {})
            handler.addQuickElement("itunes:name", self.feed["author_name"])
            handler.addQuickElement("itunes:email", self.feed["owner_email"])
            handler.endElement("itunes:owner")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:duration", str(item["duration"]))
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:episodeType", "full")


def mp3_facts(territory, bulletin):
    """(bytes, sha256) of the bulletin's MP3 as written with it; the file on disk while the
    bulletin's MP3 is still being encoded (its row is created when the phone files are ready)."""
    described = bulletin.files.get(MP3)
    if described:
        return described["bytes"], described["sha256"]
    path = Path(territory_dir(territory)) / MP3
    return path.stat().st_size, f"{bulletin.content_hash}-pending"


def podcast_xml(territory, bulletin, size, sha):
    generated = timezone.localtime(bulletin.generated_at)
    author = territory.coordinator_name or f"Riverains {territory.name}"
    feed = PodcastFeed(
        title=f"Riverains — {territory.name} : le bulletin",
        link=_french_url("public:territory", territory.slug),
        description=(f"Le bulletin du numéro vert de {territory.name}, mis à jour à chaque message des sites "
                     "industriels : ce qui se voit, s'entend ou se sent en ce moment et ce qui est prévu. "
                     "Information, pas une alerte."),
        language="fr",
        feed_url=_absolute(reverse("feeds:podcast", args=[territory.slug])),
        author_name=author,
        feed_copyright=f"Riverains {territory.name}",
        artwork=_absolute(static(ARTWORK)),
        owner_email=territory.contact_email,
    )
    feed.add_item(
        title=f"Bulletin du {generated:%d/%m/%Y} à {generated:%H} h {generated:%M}",
        link=_french_url("public:territory", territory.slug),
        description=bulletin.text,
        unique_id=f"tag:{_host()},2025:riverains/{territory.slug}/bulletin/{sha[:32]}",
        unique_id_is_permalink=False,
        pubdate=bulletin.generated_at,
        enclosures=[Enclosure(_absolute(reverse("feeds:latest_bulletin", args=[territory.slug])) + f"?v={sha[:12]}",
                              str(size), "audio/mpeg")],
        duration=round((bulletin.files.get(MP3) or {}).get("duration") or bulletin.duration),
    )
    return feed.writeString("utf-8")


def podcast(request, territory):
    territory = published_territory(territory)
    bulletin = ensure_bulletin(territory)
    try:
        size, sha = mp3_facts(territory, bulletin)
    except FileNotFoundError:  # the very first bulletin's MP3, still being encoded by another process
        return HttpResponse("Le bulletin est en cours de préparation : réessayez dans quelques secondes.",
                            status=503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "10"})
    return serve_fingerprinted(
        request, territory, f"podcast-{bulletin.pk}-{sha[:12]}", None,
        lambda: podcast_xml(territory, bulletin, size, sha), "application/rss+xml; charset=utf-8",
    )


def latest_bulletin(request, territory):
    """The bulletin now: the phone line's MP3, served as it is served under /voix/."""
    return voice_views.bulletin_file(request, territory, name=MP3)
