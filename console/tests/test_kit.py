"""The town-hall kit: a one-page A4 poster whose QR code leads to the commune's page, the texts
to copy into the town hall's app, and who may open it (coordinators and operators of the
territory only).

The QR code is read back from the printed page as a phone would: the PDF is rasterised
(poppler's pdftoppm) and decoded by ZBar's zbarimg (Debian poppler-utils and zbar-tools, in
.ci/run's apt line)."""
import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import html
from pypdf import PdfReader

from console import poster
from notices import services
from notices.town_hall import sms_keywords, town_hall_text

HARFLEUR = "76341"  # in Seine-Estuaire (X); site A's neighbouring communes include it, site B's do not
MARTIGUES = "13056"  # in Étang de Berre (Y)
A4_POINTS = (595.28, 841.89)
SMS_LINE = "06 39 98 00 76"  # ARCEP keeps 06 39 98 xx xx for fiction


@pytest.fixture(autouse=True)
def sms_line(settings):
    """The number residents text the keywords to (the SMS gateway's)."""
    settings.SMS_INBOUND_NUMBER = SMS_LINE
    settings.SMS_INBOUND_NUMBERS = ""


def poster_url(territory=None, commune=HARFLEUR):
    return reverse("console:kit_poster", args=[territory or "seine-estuaire", commune])


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def decode_qr(pdf, tmp_path):
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian poppler-utils, zbar-tools)")
    (tmp_path / "poster.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / "poster.pdf", tmp_path / "page"], check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", tmp_path / "page.png"], capture_output=True, text=True)
    return found.stdout.split()


def test_the_poster_is_one_a4_page_with_the_number_the_keywords_and_a_qr_code_to_the_communes_page(client, world, tmp_path):
    client.force_login(world.coordinator_x)
    response = client.get(poster_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="riverains-seine-estuaire-affiche-76341.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == pytest.approx(A4_POINTS, abs=0.5)
    text = pdf_text(response.content)
    for expected in ["0 800 00 76 00", "Harfleur", f"Par SMS au {SMS_LINE}", "INFO 76700 HARFLEUR", "ODEUR 76700 HARFLEUR", "ABO 76700 HARFLEUR",
                     "STOP", "AIDE", "BRUIT", "FUMEE", "LUMIERE", "VIBRATION", "FLAMME", "il n'alerte pas"]:
        assert expected in text, expected
    page_url = settings.SITE_URL + "/seine-estuaire/communes/76341/"
    assert page_url.split("://")[1] in text  # the address is printed too, for those who type it
    assert decode_qr(response.content, tmp_path) == [page_url]
    assert client.get(page_url.removeprefix(settings.SITE_URL)).status_code == 200  # and it leads somewhere


def test_long_names_and_texts_still_fit_on_one_page(world, tmp_path):
    """The longest a coordinator can type, and the longest commune name in France."""
    territory = world.x
    territory.is_demo = True  # one more line
    territory.name = "Territoire " + "de l'estuaire et des rives de la Seine " * 3
    territory.coordinator_name = "Chambre de commerce et d'industrie " * 5
    territory.siren_advice = ("Si la sirène retentit, mettez-vous à l'abri et écoutez la radio. " * 20)[:1000]
    commune = territory.communes.get(code=HARFLEUR)
    commune.name = "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"
    pdf = poster.render_pdf(territory, commune)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert decode_qr(pdf, tmp_path) == [settings.SITE_URL + "/seine-estuaire/communes/76341/"]


def test_without_an_sms_number_the_poster_leaves_the_keywords_out_and_the_kit_says_why(client, world, settings):
    settings.SMS_INBOUND_NUMBER = ""
    client.force_login(world.coordinator_x)
    text = pdf_text(client.get(poster_url()).content)
    assert "0 800 00 76 00" in text and "INFO" not in text and "Par SMS" not in text
    page = client.get(reverse("console:kit_commune", args=["seine-estuaire", HARFLEUR])).content.decode()
    assert "Aucun numéro pour les SMS des riverains n'est configuré" in page


def test_a_territory_may_have_its_own_sms_number(world, settings):
    settings.SMS_INBOUND_NUMBERS = "etang-de-berre=06 39 98 00 13, seine-estuaire = 06 39 98 00 77"
    assert poster.context(world.x, world.x.communes.get(code=HARFLEUR))["sms_number"] == "06 39 98 00 77"
    assert poster.context(world.y, world.y.communes.get(code=MARTIGUES))["sms_number"] == "06 39 98 00 13"


def test_a_demonstration_territorys_poster_says_so(world):
    world.x.is_demo = True
    text = pdf_text(poster.render_pdf(world.x, world.x.communes.get(code=HARFLEUR)))
    assert text.startswith("Démonstration : affiche d'exemple, entreprises et numéros fictifs. Ne pas afficher.")
    world.x.is_demo = False
    assert "Démonstration" not in pdf_text(poster.render_pdf(world.x, world.x.communes.get(code=HARFLEUR)))


def test_operators_text_on_the_poster_is_text_not_markup(world):
    """WeasyPrint reads HTML: the territory's texts must reach it escaped."""
    territory = world.x
    territory.coordinator_name = "CCI <b>Seine</b> & Estuaire"
    text = pdf_text(poster.render_pdf(territory, territory.communes.get(code=HARFLEUR)))
    assert "CCI <b>Seine</b> & Estuaire" in text


def test_each_posters_keywords_lead_the_sms_line_to_its_commune(world):
    """What the poster says to type is read by the SMS line (textline) as that commune, and no other:
    the postcode alone where it is the commune's own, with the name where communes share it."""
    from textline import communes, parsing

    places = {}
    for commune in world.x.communes.all():
        keyword, _meaning = sms_keywords(commune)[0]
        places[commune.name] = keyword
        assert communes.find(parsing.parse(keyword)).communes == [commune], keyword
    assert places["Le Havre"] == "INFO 76600"
    assert places["Harfleur"] == "INFO 76700 HARFLEUR"
    assert places["Gonfreville-l'Orcher"] == "INFO 76700 GONFREVILLE"


# --- who may open it ------------------------------------------------------------------------


def kit_urls(territory="seine-estuaire", commune=HARFLEUR):
    return [
        reverse("console:kit_territory", args=[territory]),
        reverse("console:kit_commune", args=[territory, commune]),
        reverse("console:kit_poster", args=[territory, commune]),
    ]


@pytest.mark.parametrize("user", ["coordinator_x", "operator_a", "operator_b", "superuser"])
def test_the_territorys_coordinator_and_operators_open_its_kit(client, world, user):
    client.force_login(getattr(world, user))
    for url in kit_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("user", ["coordinator_y", "operator_c"])
def test_a_member_of_another_territory_cannot_open_it(client, world, user):
    client.force_login(getattr(world, user))
    for url in kit_urls():
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("console:kit_index"), follow=True).content.decode().count("Seine-Estuaire") == 0


def test_a_commune_outside_the_territory_has_no_kit_there(client, world):
    client.force_login(world.coordinator_x)
    for url in kit_urls(commune=MARTIGUES)[1:]:
        assert client.get(url).status_code == 404, url


def test_signed_out_visitors_are_sent_to_the_login(client, world):
    for url in kit_urls():
        response = client.get(url)
        assert response.status_code == 302 and reverse("console:login") in response.url


def test_the_kit_index_goes_to_the_only_territory(client, world):
    client.force_login(world.operator_a)
    response = client.get(reverse("console:kit_index"))
    assert response.status_code == 302 and response.url == reverse("console:kit_territory", args=["seine-estuaire"])


# --- the texts to copy ------------------------------------------------------------------------


def textareas(response):
    return {area.get("id"): area for area in html.fromstring(response.content).cssselect("textarea")}


def test_the_communes_kit_has_a_text_to_copy_for_each_of_its_notices(client, world):
    harfleur = world.publish(title="Torchage & fumée < 5 min")
    elsewhere = world.publish(site=world.site_b, title="Bruit de soupape")  # Le Havre and Gonfreville only
    client.force_login(world.coordinator_x)
    response = client.get(reverse("console:kit_commune", args=["seine-estuaire", HARFLEUR]))
    areas = textareas(response)
    assert set(areas) == {f"texte-mairie-{harfleur.pk}"}
    area = areas[f"texte-mairie-{harfleur.pk}"]
    assert area.get("readonly") is not None  # without JavaScript: select and copy by hand
    assert area.text_content() == town_hall_text(harfleur)
    assert "Torchage & fumée < 5 min" in area.text_content()
    assert b"Torchage &amp; fum\xc3\xa9e &lt; 5 min" in response.content  # escaped in the page
    button = html.fromstring(response.content).cssselect(f'button[data-copy="texte-mairie-{harfleur.pk}"]')
    assert button and button[0].get("hidden") is not None  # shown by js/copy-text.js
    assert b"js/copy-text" in response.content
    assert elsewhere.title not in response.content.decode()
    page = html.fromstring(response.content)
    assert page.cssselect(f'a[href="{poster_url()}"]')
    # For the town hall's website: the commune's page, its feed, and the widget's code for it.
    hrefs = [a.get("href") for a in page.cssselect("a")]
    assert settings.SITE_URL + "/seine-estuaire/communes/76341.rss" in hrefs
    widget = reverse("public:widget_builder", args=["seine-estuaire"]) + f"?communes={HARFLEUR}"
    assert widget in hrefs and f"communes={HARFLEUR}" in client.get(widget).content.decode()


def test_the_console_notice_page_offers_the_town_hall_text(client, world):
    notice = world.publish()
    client.force_login(world.operator_a)
    response = client.get(reverse("console:notice_detail", args=[notice.pk]))
    area = textareas(response)[f"texte-mairie-{notice.pk}"]
    assert area.text_content() == town_hall_text(notice)


def test_the_town_hall_text_is_short_plain_french_with_the_link(world):
    now = timezone.localtime()
    start = now.replace(hour=14, minute=30, second=0, microsecond=0) + timedelta(days=1)
    notice = world.publish(starts_at=start, expected_end_at=start + timedelta(hours=3, minutes=30),
                           body="Une flamme sera visible. " * 30)
    text = town_hall_text(notice)
    lines = text.split("\n")
    assert lines[0] == "Torchage : Torchage sur l'unité de distillation"
    assert any(line.endswith(", de 14 h 30 à 18 h.") for line in lines)
    assert f"Plus d'informations : {settings.SITE_URL}/seine-estuaire/messages/{notice.pk}/" in lines
    assert "Numéro vert gratuit : 0 800 00 76 00" in lines
    assert len(text) < 700  # the operator's long text is cut, the link says the rest
    assert "…" in text and "<" not in text


def test_a_cancelled_notice_says_so_first(world):
    notice = world.publish()
    services.cancel(world.operator_a, notice, reason="Report de l'opération.")
    notice.refresh_from_db()
    text = town_hall_text(notice)
    assert text.startswith("Annulé — Torchage : ")
    assert "Motif : Report de l'opération." in text
