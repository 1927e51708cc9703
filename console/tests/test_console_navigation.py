"""The console shows what it has: each role finds every page it may open by following links from
the console's home, and the home says what needs attention, each item linking to where it is
handled.

`openable` walks Django's URL resolver with the role's objects and keeps every console page the
role can GET (200, HTML); `crawl` follows every link from the home, breadth first. A page in the
first and not linked from the second is a page nobody will find."""
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from api.models import ApiToken
from console.middleware import ACCESS_EXCEPTIONS, PUBLIC
from console.models import Invitation
from console.tests.urlwalk import console_url_patterns
from notices.models import Notice, Status
from relay import services as relay_services
from relay.models import Delivery, DeliveryStatus, Subscription
from reports.models import Episode
from territories.models import Commune, Membership, Organization, Partner, Site, Territory
from voice.models import Call

ROLES = ["operator_a", "coordinator_x", "superuser"]
DOWNLOADS = (".pdf", ".csv")
# Pages one reaches after doing something, not by a link: they say it is done.
AFTER_AN_ACTION = {"password_change_done"}
# Which objects an id in a console address stands for, by the word before it in the address.
ID_OF = {
    "messages": Notice, "adherents": Organization, "sites": Site, "roles": Membership, "invitations": Invitation,
    "jetons": ApiToken, "webhooks": Subscription, "comptes": Subscription, "episodes": Episode, "partenaires": Partner,
}


@pytest.fixture
def lived_in(world):
    """Territory X after a few weeks: a partner's webhook, a notice sent to it (one delivery
    failed for good), a notice past its expected end, an open episode, an API token, calls."""
    relay_services.create_webhook(world.x, "https://mairie.example/riverains", "Mairie du Havre")
    sent = world.publish(title="Torchage annoncé")
    Delivery.objects.filter(revision__notice=sent).update(status=DeliveryStatus.FAILED, last_error="HTTP 500")
    overdue = world.publish(title="Torchage oublié")
    now = timezone.now()
    Notice.objects.filter(pk=overdue.pk).update(status=Status.ONGOING, starts_at=now - timedelta(hours=3),
                                                expected_end_at=now - timedelta(minutes=5))
    episode = Episode.objects.create(territory=world.x, opened_at=now, last_report_at=now, report_count=3)
    episode.notified_sites.add(world.site_a)
    ApiToken.issue(world.org_a, "Supervision", world.operator_a)
    Call.objects.create(territory=world.x, call_sid="CA1", caller_hash="h", choices=["1"], started_at=now)
    Partner.objects.create(territory=world.x, name="Mairie du Havre")
    return world


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def links(response, base):
    parser = Links()
    parser.feed(response.content.decode())
    for href in parser.hrefs:
        parts = urlsplit(urljoin(base, href))
        if parts.netloc in ("", "testserver") and parts.path.startswith("/console/"):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def is_page(response):
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def crawl(client, limit=400):
    """The paths linked from the home and the pages reached from it, breadth first (a link that
    redirects, such as a section going straight to its only territory, links where it leads).
    Each path is opened once, by the first link found to it: another query string (a period, a
    filter) shows the same page with other figures, not other pages."""
    start = reverse("console:home")
    queue, visited, linked = deque([start]), set(), {start}
    while queue and len(visited) < limit:
        url = queue.popleft()
        if urlsplit(url).path in visited:
            continue
        visited.add(urlsplit(url).path)
        response = client.get(url)
        if response.status_code == 302:  # a section that goes straight to its only territory
            found = [urljoin(url, response.url)]
        elif is_page(response):
            found = list(links(response, url))
        else:
            continue
        for link in found:
            path = urlsplit(link).path
            if not path.startswith("/console/"):
                continue
            linked.add(path)
            if not path.endswith(DOWNLOADS) and path not in visited:
                queue.append(link)
    return linked


def candidate_kwargs(pattern):
    """Every address of the pattern made with the objects in the database."""
    choices = []
    for name, converter in pattern.converters.items():
        if type(converter).__name__ == "IntConverter" and name == "pk":
            word = pattern.route.split(f"<int:{name}>")[0].rstrip("/").rsplit("/", 1)[-1]
            assert word in ID_OF, f"tell the crawl which objects the id after {word!r} stands for ({pattern.route})"
            values = list(ID_OF[word].objects.values_list("pk", flat=True))
        elif name == "year":
            values = [timezone.localdate().year]
        elif name == "kind":
            values = ["mastodon", "bluesky"]
        elif name == "figure":
            values = ["messages-par-mois"]
        elif name == "commune":
            values = list(Commune.objects.values_list("code", flat=True))
        else:
            values = list(Territory.objects.values_list("slug", flat=True))
        choices.append([(name, value) for value in values])
    combinations = [{}]
    for options in choices:
        combinations = [{**done, name: value} for done in combinations for name, value in options]
    return combinations


def openable(client):
    """The console pages (HTML) the signed-in user can GET. Downloads (CSV, PDF) are files offered
    on a page, not pages: test_downloads_are_offered checks that they are linked."""
    found = []
    for pattern in console_url_patterns():
        if ACCESS_EXCEPTIONS.get(pattern.name) == PUBLIC or pattern.route.endswith(DOWNLOADS):
            continue
        for kwargs in candidate_kwargs(pattern):
            url = pattern.reverse(**kwargs)
            if is_page(client.get(url)):
                found.append((pattern.name, url))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_open_is_linked_from_the_console(client, lived_in, role):
    client.force_login(getattr(lived_in, role))
    may_open = openable(client)
    assert len(may_open) >= 10  # a walk that finds nothing cannot pass
    linked = crawl(client)
    unlinked = [(name, url) for name, url in may_open if url not in linked and name not in AFTER_AN_ACTION]
    assert unlinked == [], "\n".join(f"{name} {url}" for name, url in unlinked)
    if role != "operator_a":  # the statistics' files, offered on their page
        year = timezone.localdate().year
        assert reverse("console:stats_yearly_report", args=[lived_in.x.slug, year]) in linked
        assert reverse("console:stats_csv", args=[lived_in.x.slug, "messages-par-mois"]) in linked
    assert reverse("console:kit_poster", args=[lived_in.x.slug, "76341"]) in linked  # the town-hall poster


def test_the_downloads_are_the_known_ones():
    """Downloads are not crawled as pages; those known are checked to be linked (above)."""
    download_patterns = {p.name for p in console_url_patterns() if p.route.endswith(DOWNLOADS)}
    assert download_patterns == {"stats_csv", "stats_yearly_report", "kit_poster"}  # a new one: link it, then check it above


# --- the navigation --------------------------------------------------------------------------

NAV = {
    "operator_a": ["Accueil", "Messages", "Votre entreprise", "Sites", "Épisodes", "Kit pour les mairies", "Jetons d'API",
                   "Double authentification", "Mot de passe"],
    "coordinator_x": ["Accueil", "Messages", "Territoires et adhérents", "Sites", "Épisodes", "Kit pour les mairies", "Statistiques",
                      "Envois et webhooks", "Ligne téléphonique", "Jetons d'API", "Double authentification",
                      "Mot de passe"],
}


def _demo_inbox_routed():
    try:
        return bool(settings.DEMO_INBOX_DIR and reverse("console:demo_inbox"))
    except NoReverseMatch:
        return False


if _demo_inbox_routed():  # development and the demo (the tests' settings): what would have left
    NAV["coordinator_x"].insert(-2, "Boîte de réception de la démo")
NAV["superuser"] = NAV["coordinator_x"]


class NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.current, self.entries = 0, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "data-console-nav" in attrs:
            self.inside = 1
        elif tag == "a" and self.inside:
            self.current = [attrs["href"], "", attrs.get("aria-current")]

    def handle_data(self, data):
        if self.current is not None:
            self.current[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.current is not None:
            self.entries.append((self.current[0], self.current[1].strip(), self.current[2]))
            self.current = None
        elif tag == "nav":
            self.inside = 0


def nav_of(response):
    parser = NavLinks()
    parser.feed(response.content.decode())
    return parser.entries


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_each_role_its_sections_and_each_opens(client, lived_in, role):
    client.force_login(getattr(lived_in, role))
    entries = nav_of(client.get(reverse("console:home")))
    assert [label for _href, label, _current in entries] == NAV[role]
    for href, label, _current in entries:
        response = client.get(href, follow=True)
        assert response.status_code == 200, (label, href)


def test_the_navigation_marks_the_current_section(client, lived_in):
    client.force_login(lived_in.coordinator_x)
    on_home = dict((label, current) for _h, label, current in nav_of(client.get(reverse("console:home"))))
    assert on_home["Accueil"] == "page" and on_home["Statistiques"] is None
    webhooks = nav_of(client.get(reverse("console:relay_webhooks")))
    assert dict((label, current) for _h, label, current in webhooks)["Envois et webhooks"] == "true"


def test_roles_are_named_in_french(client, lived_in):
    client.force_login(lived_in.operator_a)
    page = client.get(reverse("console:home")).content.decode()
    assert "rédacteur · Raffinerie Démo de l&#x27;Estuaire" in page
    assert "operator" not in page.replace("operator_a", "")
    client.force_login(lived_in.coordinator_x)
    page = client.get(reverse("console:home")).content.decode()
    assert "coordinateur · Seine-Estuaire" in page and "coordinator" not in page.replace("coordinator_x", "")


def test_a_user_without_role_sees_only_the_home_and_their_account(client, world):
    from riverains.testing import make_user

    client.force_login(make_user("nouveau"))
    entries = nav_of(client.get(reverse("console:home")))
    assert [label for _h, label, _c in entries] == ["Accueil", "Double authentification", "Mot de passe"]


# --- the home says what needs attention ------------------------------------------------------


def attention_links(client):
    page = client.get(reverse("console:home")).content.decode()
    section = page.split('id="a-traiter"', 1)[1].split("</section>", 1)[0]
    parser = Links()
    parser.feed(section)
    return section, parser.hrefs


def test_a_coordinator_is_told_what_needs_attention_and_where(client, lived_in):
    client.force_login(lived_in.coordinator_x)
    section, hrefs = attention_links(client)
    overdue = Notice.objects.get(title="Torchage oublié")
    failed = Notice.objects.get(title="Torchage annoncé")
    episode = Episode.objects.get()
    assert "Torchage oublié" in section and reverse("console:notice_detail", args=[overdue.pk]) in hrefs
    assert "qu&#x27;aucun message n&#x27;explique" in section and reverse("console:reports_episode", args=[episode.pk]) in hrefs
    assert "1 envoi en échec définitif" in section and reverse("console:relay_notice", args=[failed.pk]) in hrefs
    # Organization B has never published (A has); C is another territory's.
    assert "Engrais Démo Normandie (Seine-Estuaire) n&#x27;a encore publié aucun message." in section
    assert reverse("console:organization_detail", args=[lived_in.org_b.pk]) in hrefs
    assert "Raffinerie Démo" not in section and "Berre" not in section
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_an_operator_is_told_of_their_own_notices_and_episodes_only(client, lived_in):
    client.force_login(lived_in.operator_a)
    section, hrefs = attention_links(client)
    assert "Torchage oublié" in section and "Épisodes ouverts" in section
    assert "échec" not in section and "jamais publié" not in section
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    client.force_login(lived_in.operator_b)
    section, _hrefs = attention_links(client)
    assert "Torchage oublié" not in section and "Épisodes ouverts" not in section


def test_nothing_to_do_is_said_plainly(client, lived_in):
    client.force_login(lived_in.coordinator_y)
    section, _hrefs = attention_links(client)
    assert "Pétrochimie Démo de Berre" in section  # never published
    lived_in.publish(site=lived_in.site_c, title="Vapeur")
    section, _hrefs = attention_links(client)
    assert "Rien ne demande votre attention" in section
