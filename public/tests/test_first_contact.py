"""Issue 11's rough edges on the public side, each as a resident meets it (French order of
communes, the versions of a notice, the reports map, the forms' ids, the English pages, the
report's retention, the favicon and the meta description), and the app's manifest."""
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import services
from reports.models import Report
from riverains.collation import french_key, french_sorted
from territories.models import Commune

from .helpers import ongoing, text


def test_french_names_sort_the_french_way():
    names = ["Yébleron", "Étretat", "Le Havre", "Épouville", "Eu", "Écrainville", "Œuilly", "Oudalle"]
    assert french_sorted(names) == ["Écrainville", "Épouville", "Étretat", "Eu", "Le Havre", "Œuilly", "Oudalle", "Yébleron"]
    assert french_key("côte") > french_key("cote")  # ties broken by the accent, never lost


def option_labels(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL).group(0)
    return re.findall(r"<option value=\"\w+\"[^>]*>([^<(]+)", select)


def test_communes_are_listed_in_french_order_on_every_public_form(world, client):
    expected = ["Épouville", "Gonfreville-l'Orcher", "Harfleur", "Le Havre", "Port-Jérôme-sur-Seine"]
    subscribe = text(client.get("/seine-estuaire/abonnement/")).replace("&#x27;", "'")
    assert [n.strip() for n in option_labels(subscribe, "communes")] == expected
    report = text(client.get("/seine-estuaire/signaler/")).replace("&#x27;", "'")
    assert [n.strip() for n in option_labels(report, "commune")] == expected
    history = text(client.get("/seine-estuaire/historique/")).replace("&#x27;", "'")
    assert [n.strip() for n in option_labels(history, "commune")] == expected


def test_a_notices_communes_are_in_french_order(world, client):
    notice = ongoing(world, communes=list(Commune.objects.filter(pk__in=["76238", "76351", "76341"])))
    html = text(client.get(notice.get_absolute_url()))
    assert "Épouville, Harfleur, Le Havre" in html


def test_the_versions_of_a_notice_are_numbered_by_their_own_number(world, client):
    notice = ongoing(world)
    services.update(world.operator_a, notice, {"title": "Torchage prolongé"}, "Prolongé")
    services.end(world.operator_a, notice)
    html = text(client.get(notice.get_absolute_url()))
    versions = re.findall(r'<li class="revision" id="version-(\d)" value="(\d)">\s*<h3>Version (\d)', html)
    assert versions == [("3", "3", "3"), ("2", "2", "2"), ("1", "1", "1")]
    assert "reversed" not in html.split('id="versions"')[1]


def test_the_reports_map_lists_the_reports_given_by_commune(world, client):
    now = timezone.now()
    for _ in range(2):
        Report.objects.create(territory=world.x, kind="odour", intensity=2, observed_at=now, commune_id="76341",
                              network_hash="h")
    html = text(client.get("/seine-estuaire/signalements/"))
    assert "2 signalements de riverains dans les 24 dernières heures." in html
    assert "Signalements donnés par commune" in html and "<li>Harfleur : 2 signalements</li>" in html


def test_subscribe_forms_point_only_at_ids_that_exist(world, client):
    client.post("/seine-estuaire/abonnement/", {"channel": "sms", "address": "pas un numéro", "website": ""})
    for html in [text(client.get("/seine-estuaire/abonnement/")),
                 text(client.post("/seine-estuaire/abonnement/", {"channel": "email", "address": "x", "website": ""}))]:
        ids = set(re.findall(r'\bid="([^"]*)"', html))
        assert "" not in ids
        for refs in re.findall(r'aria-describedby="([^"]*)"', html):
            for ref in refs.split():
                assert ref in ids, ref
        for target in re.findall(r'<a href="#([^"]*)"', html):
            assert target in ids, target


def test_english_pages_have_english_labels_outside_french_text(world, client):
    notice = ongoing(world, impact="Aucune incidence.")
    html = text(client.get("/en/seine-estuaire/"))
    assert '<p class="notice__impact"><strong>For residents:</strong> <span lang="fr">Aucune incidence.</span></p>' in html
    report = text(client.get("/en/seine-estuaire/signaler/"))
    danger = report.split('class="report-danger"')[1]
    assert "If the siren sounds" in danger and "mettez-vous" not in danger
    page = text(client.get(f"/en{notice.get_absolute_url()}"))
    assert '<dt>Title</dt><dd lang="fr">' in page


def test_the_report_answer_says_the_same_retention_as_the_form(world, client, settings):
    form = text(client.get("/seine-estuaire/signaler/"))
    assert "au plus tard après 7 jours" in form
    client.post("/seine-estuaire/signaler/", {"kind": "odour", "intensity": "3", "when": "now", "commune": "76341",
                                               "email": "r@example.test", "website": ""})
    answer = text(client.get(f"/seine-estuaire/signaler/reponse/{Report.objects.get().token}/"))
    assert "Votre adresse e-mail est effacée dès que nous vous avons répondu, et au plus tard après 7 jours." in answer
    assert "adresse e-mail et votre position exacte sont effacés automatiquement après 90" not in answer


def test_the_favicon_and_a_description_on_every_page(world, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    notice = ongoing(world)
    for url in ["/", "/seine-estuaire/", notice.get_absolute_url(), "/seine-estuaire/abonnement/",
                "/seine-estuaire/signaler/", "/comprendre/", "/en/seine-estuaire/"]:
        html = text(client.get(url))
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert description and len(description.group(1)) > 40, url
        assert '<link rel="manifest"' in html and 'rel="icon"' in html, url


def test_each_territory_has_its_own_manifest_in_each_language(world, client):
    page = text(client.get("/seine-estuaire/"))
    assert '<link rel="manifest" href="/seine-estuaire/manifest.webmanifest">' in page
    manifest = json.loads(client.get("/seine-estuaire/manifest.webmanifest").content)
    assert manifest["start_url"] == "/seine-estuaire/" and manifest["scope"] == "/"
    assert manifest["short_name"] == "Seine-Estuaire" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#12263a"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    english = json.loads(client.get("/en/seine-estuaire/manifest.webmanifest").content)
    assert english["start_url"] == "/en/seine-estuaire/" and english["lang"] == "en"
    assert client.get("/nulle-part/manifest.webmanifest").status_code == 404


def test_the_service_worker_covers_the_whole_site_and_keeps_no_form(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript") and "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/css/riverains.css"' in body and 'addEventListener("push"' in body
    assert "abonnement|signaler" in body  # forms are never kept offline
