"""Retention: old reports are anonymised by the scheduler; a resident erases their own data."""
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from reports import services
from reports.models import Report

GONFREVILLE = {"latitude": "49.5000", "longitude": "0.2300"}


def report_through_the_form(client, comment="Odeur d'œuf pourri près de l'école", email="riveraine@example.test"):
    response = client.post("/seine-estuaire/signaler/", {"kind": "odour", "intensity": "4", "descriptors": ["sulphur"],
                                                        "when": "now", **GONFREVILLE, "comment": comment, "email": email})
    assert response.status_code == 302, response.content
    return Report.objects.get(), response["Location"]


def personal(report):
    report.refresh_from_db()
    return (report.comment, report.email, report.network_hash, report.device_hash, report.latitude, report.longitude)


def test_reports_older_than_the_delay_lose_every_personal_field(client, world, settings):
    settings.REPORTS_ANONYMISE_AFTER_DAYS = 30
    report, _ = report_through_the_form(client)
    cell, commune, kind = report.h3_cell, report.commune_id, report.kind

    assert services.anonymise_old_reports(now=timezone.now() + timedelta(days=29)) == 0
    assert personal(report)[0] != ""
    assert services.anonymise_old_reports(now=timezone.now() + timedelta(days=31)) == 1
    assert personal(report) == ("", "", "", "", None, None)
    # What statistics and the public map need stays.
    assert (report.h3_cell, report.commune_id, report.kind, report.intensity) == (cell, commune, kind, 4)
    assert services.anonymise_old_reports(now=timezone.now() + timedelta(days=31)) == 0  # nothing left to do


def test_the_scheduler_runs_the_anonymisation(world):
    assert ("anonymise_reports", 3600) in settings.SCHEDULER_JOBS
    out = StringIO()
    call_command("anonymise_reports", stdout=out)
    assert "0 report(s) anonymised" in out.getvalue()


def test_a_resident_deletes_their_report_from_the_answer_page(world):
    report, answer_url = report_through_the_form(Client())
    client = Client(enforce_csrf_checks=True)  # the resident comes back later through the link
    page = client.get(answer_url)
    assert "Supprimer mon signalement" in page.content.decode()
    assert "effacés automatiquement après 90 jours" in page.content.decode()
    token = page.cookies["csrftoken"].value

    response = client.post(f"{answer_url}supprimer/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert personal(report) == ("", "", "", "", None, None)
    page = client.get(response["Location"]).content.decode()
    assert "Votre signalement est supprimé" in page
    assert "Supprimer mon signalement" not in page


def test_deleting_needs_the_answer_link_and_a_post(client, world):
    report, answer_url = report_through_the_form(client)
    assert client.get(f"{answer_url}supprimer/").status_code == 405
    assert client.post("/seine-estuaire/signaler/reponse/pas-le-bon-lien/supprimer/").status_code == 404
    assert personal(report)[0] != ""


def test_deleting_without_the_form_token_changes_nothing(world):
    report, answer_url = report_through_the_form(Client())
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"{answer_url}supprimer/").status_code == 403
    assert personal(report)[1] == "riveraine@example.test"
