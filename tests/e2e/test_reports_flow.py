"""Issue 5: residents report what they smell. With an odour notice going on, the answer page
names it at once; without one, three neighbours make an episode that the nearest site's
operator finds in the console."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notices.models import Category
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.browser

# Around the refinery of Gonfreville (site A, 49.4870, 0.2350), a few hundred metres apart;
# the fertiliser plant (site B) is 4 km away.
NEIGHBOURS = [(49.4950, 0.2400), (49.4930, 0.2450), (49.4910, 0.2380)]
NETWORK_HEADER = "X-Test-Resident-Network"


@pytest.fixture
def residents_on_their_own_networks(live_server):
    """Every browser here reaches the server from 127.0.0.1, and the reports app counts people
    by network address (and device cookie): three neighbours on one address are one person.
    This puts each browser on its own address, from a header it sends, as a reverse proxy
    would; the app itself is unchanged. Without the header, the address stays 127.0.0.1."""
    server = live_server.thread.httpd
    application = server.get_app()

    def from_own_network(environ, start_response):
        address = environ.get("HTTP_" + NETWORK_HEADER.upper().replace("-", "_"))
        if address:
            environ["REMOTE_ADDR"] = address
        return application(environ, start_response)

    server.set_app(from_own_network)
    yield
    server.set_app(application)


def resident_at(new_context, position, network=None):
    """A resident's phone, which lets the page read its position."""
    options = {"permissions": ["geolocation"], "geolocation": {"latitude": position[0], "longitude": position[1]}}
    if network:
        options["extra_http_headers"] = {NETWORK_HEADER: network}
    return new_context(**options)


def report_odour(page, territory):
    page.goto(f"/{territory.slug}/signaler/")
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_role("status")).to_contain_text("Position enregistrée")
    page.get_by_label("Odeur", exact=True).check()
    page.get_by_label("Œuf pourri, soufre").check()
    page.get_by_label("4 —").check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre signalement est enregistré")


def test_a_resident_smelling_an_announced_odour_is_shown_the_notice(transactional_db, world, new_context):
    now = timezone.now()
    world.publish(category=Category.ODOUR, perceptions=["olfactory"], title="Odeur d'H2S & mercaptans",
                  starts_at=now - timedelta(minutes=15), expected_end_at=now + timedelta(hours=2))
    resident = resident_at(new_context, NEIGHBOURS[0])

    report_odour(resident, world.x)

    expect(resident.get_by_role("heading", level=2).first).to_have_text("Ce message publié l'explique probablement")
    explanation = resident.locator(".report-matches li")
    expect(explanation).to_have_count(1)
    expect(explanation.get_by_role("link")).to_have_text("Odeur d'H2S & mercaptans")
    expect(explanation).to_contain_text("Raffinerie de Gonfreville")
    explanation.get_by_role("link").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Odeur d'H2S & mercaptans")


def test_three_unexplained_neighbours_open_an_episode_the_nearest_site_sees(
        transactional_db, world, new_context, page, residents_on_their_own_networks):
    for number, position in enumerate(NEIGHBOURS, start=1):
        resident = resident_at(new_context, position, network=f"192.0.2.{number}")
        report_odour(resident, world.x)
        expect(resident.get_by_role("heading", level=2).first).to_have_text(
            "Aucun message publié n'explique ce que vous percevez pour l'instant")

    sign_in(page, "operator_a")
    page.goto("/console/episodes/")
    rows = page.locator("table.episodes tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Seine-Estuaire")
    expect(rows.locator("td").nth(2)).to_have_text("3")
    rows.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Épisode du")
    expect(page.locator(".report-timeline li")).to_have_count(3)
    expect(page.get_by_role("heading", name="Sites prévenus").locator("xpath=following-sibling::ul[1]")).to_contain_text(
        "Raffinerie de Gonfreville")
