"""The resident's phone (issue 13): the answer on the first screen of a 390×844 phone for every
demo territory in French and English, an app Chromium can install and that opens offline, and
the territory page sorted by the resident's commune, remembered on the device."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from territories.models import Territory
from tests.e2e.conftest import CHROMIUM, _shared

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db, explainers):
    """The demonstration as `bin/demo` loads it (reference data of the two departments it uses)."""
    with open("/dev/null", "w") as quiet:
        call_command("load_reference_data", departments="76,13", stdout=quiet)
        call_command("load_demo", stdout=quiet)
    return list(Territory.objects.filter(is_demo=True).order_by("slug"))


@pytest.fixture
def no_tiles(settings):
    """Map tiles would be fetched from the internet; the pages work without them."""
    settings.MAP_TILE_URL = ""


def bottom(locator):
    box = locator.bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize("language, report, listen", [("", "Je perçois quelque chose", "Écouter"),
                                                      ("/en", "I notice something", "Listen")])
def test_on_a_phone_the_first_screen_answers_what_is_happening_now(demo, page, axe, language, report, listen):
    assert len(demo) == 3
    for territory in demo:
        page.goto(f"{language}/{territory.slug}/")
        now = page.locator("#en-cours")
        lines = now.locator(".now-line__title")
        if lines.count():
            expect(lines.first).to_be_visible()
            assert bottom(lines.first) <= PHONE["height"], f"{territory.slug}: the first current notice is below the fold"
        else:
            empty = now.locator(".now-empty")
            expect(empty).to_be_visible()
            assert bottom(empty) <= PHONE["height"]
        for name in (report, listen):
            button = now.get_by_role("link", name=name).or_(now.get_by_role("button", name=name))
            expect(button).to_be_visible()
            assert bottom(button) <= PHONE["height"], f"{territory.slug}: {name} is below the fold"
            assert button.bounding_box()["height"] >= 44
        assert axe(page) == [], territory.slug


def test_a_quiet_territory_says_so_above_the_fold(transactional_db, world, page, axe):
    page.goto(f"/{world.x.slug}/")
    empty = page.locator("#en-cours .now-empty")
    expect(empty).to_contain_text("Rien de signalé en ce moment.")
    assert bottom(empty) <= PHONE["height"]
    assert axe(page) == []


def test_the_dark_scheme_keeps_every_contrast(transactional_db, world, explainers, new_context, axe):
    world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=10))
    page = new_context(color_scheme="dark")
    for path in [f"/{world.x.slug}/", f"/{world.x.slug}/abonnement/", f"/{world.x.slug}/signaler/"]:
        page.goto(path)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 21, 28)"
        assert axe(page) == [], path


def test_my_commune_first_is_remembered_on_this_device_without_a_cookie(transactional_db, world, page):
    now = timezone.now()
    world.publish(kind="observed", site=world.site_b, title="Bruit au Havre", starts_at=now - timedelta(minutes=5),
                  communes=[world.site_b.commune])
    near = world.publish(kind="observed", title="Torchage à Gonfreville", starts_at=now - timedelta(minutes=50))
    page.goto(f"/{world.x.slug}/")
    titles = page.locator("#en-cours .now-line__title")
    expect(titles).to_have_text(["Bruit au Havre", "Torchage à Gonfreville"])

    page.get_by_label("Ma commune en premier").select_option(label="Harfleur")
    expect(titles).to_have_text(["Torchage à Gonfreville", "Bruit au Havre"])
    expect(page.locator("#en-cours article.notice").first).to_have_id(f"message-{near.pk}")
    expect(page.locator(".near__status")).to_have_text("Les messages qui concernent Harfleur sont en premier.")

    page.reload()
    expect(titles).to_have_text(["Torchage à Gonfreville", "Bruit au Havre"])
    expect(page.locator(".now-line--near")).to_have_count(1)
    assert page.context.cookies() == []


def test_geolocation_puts_the_nearest_site_first(transactional_db, world, new_context):
    now = timezone.now()
    world.publish(kind="observed", title="Torchage à Gonfreville", starts_at=now - timedelta(minutes=5))
    world.publish(kind="observed", site=world.site_b, title="Bruit au Havre", starts_at=now - timedelta(minutes=50))
    # Standing next to the fertiliser plant of Le Havre (site B).
    page = new_context(geolocation={"latitude": 49.4725, "longitude": 0.1905}, permissions=["geolocation"])
    page.goto(f"/{world.x.slug}/")
    titles = page.locator("#en-cours .now-line__title")
    expect(titles).to_have_text(["Torchage à Gonfreville", "Bruit au Havre"])
    page.get_by_role("button", name="Me localiser").click()
    expect(titles).to_have_text(["Bruit au Havre", "Torchage à Gonfreville"])


def test_chromium_can_install_the_app_and_it_opens_offline(transactional_db, world, browser, live_server, no_tiles, tmp_path):
    notice = world.publish(kind="observed", title="Panache de vapeur", starts_at=timezone.now() - timedelta(minutes=5))
    # A browser profile of its own (Chromium never offers to install an app in a private window),
    # and no request routing: Playwright's routes would bypass the service worker under test.
    context = _shared["playwright"].chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        # A phone whose clock is set to another zone: the page still speaks the territory's time.
        base_url=live_server.url, locale="fr-FR", timezone_id="America/New_York", viewport=PHONE)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"/{world.x.slug}/")
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest == f"/{world.x.slug}/manifest.webmanifest"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/sw.js")

    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    app = cdp.send("Page.getAppManifest")
    assert app["errors"] == [] and app["url"].endswith(manifest)

    page.reload()  # now through the service worker, which keeps a copy
    expect(page.locator("#en-cours .now-line__title")).to_have_text([notice.title])
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()
    expect(page.locator("#hors-ligne")).to_be_visible()
    expect(page.locator("#hors-ligne")).to_contain_text("Hors ligne : dernière mise à jour à ")
    expect(page.locator("#hors-ligne")).to_have_text(
        __import__("re").compile(r"dernière mise à jour à \d\d h \d\d\."))
    paris = [timezone.localtime(timezone.now() - timedelta(minutes=m)).strftime("%H h %M") for m in (0, 1, 2)]
    assert any(f"à {hour}." in page.locator("#hors-ligne").inner_text() for hour in paris), paris
    expect(page.locator("#en-cours .now-line__title")).to_have_text([notice.title])
    page.goto(notice.get_absolute_url())  # never opened: said plainly
    expect(page.get_by_role("heading", level=1)).to_have_text("Hors ligne")

    page.goto(f"/{world.x.slug}/")
    context.set_offline(False)  # back online: the page reloads itself from the network
    expect(page.locator("#hors-ligne")).to_be_hidden()
    context.close()


def test_the_map_names_its_markers_in_words_and_speaks_the_pages_language(transactional_db, world, page, axe):
    world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=10))
    page.goto(f"/{world.x.slug}/")
    page.locator("#liste-sites").scroll_into_view_if_needed()  # Leaflet comes when the map is near
    expect(page.get_by_role("button", name="Raffinerie de Gonfreville : Activité en cours")).to_be_visible()
    expect(page.get_by_role("button", name="Usine d'engrais du Havre : Pas d’activité signalée")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom avant")).to_be_visible()
    assert axe(page) == []
    page.goto(f"/en/{world.x.slug}/")
    page.locator("#liste-sites").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(page.get_by_role("button", name="Raffinerie de Gonfreville: Activity under way")).to_be_visible()
