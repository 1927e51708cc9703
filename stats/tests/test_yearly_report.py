"""The steering committee's yearly PDF, generated from the console."""
import io

from django.urls import reverse
from pypdf import PdfReader

from stats import yearly


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# How long it takes is measured in bench/, never asserted here.
def test_the_coordinator_downloads_the_yearly_report(client, dataset):
    client.force_login(dataset.world.coordinator_x)
    response = client.get(reverse("console:stats_yearly_report", args=["seine-estuaire", 2025]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="riverains-seine-estuaire-2025.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Seine-Estuaire" in text
    assert "Rapport annuel 2025" in text


def test_the_report_compares_with_the_previous_year(dataset):
    rows = {str(label): (now, before) for label, now, before in yearly.comparison(dataset.world.x, 2025)}
    assert rows["Messages publiés"] == (6, 1)
    assert rows["Opérations annulées ou messages retirés"] == (1, 0)
    assert rows["Messages terminés à l'heure annoncée"] == ("75 %", "non calculable")


def test_the_report_lists_the_years_notices_by_site_and_category(dataset):
    context = yearly.context(dataset.world.x, 2025)
    assert [str(c) for c in context["categories"]] == ["Bruit", "Odeur", "Torchage", "Travaux", "Vapeur ou fumée"]
    assert context["cross"] == [
        ("Raffinerie de Gonfreville", [1, 1, 1, 0, 0], 3),
        ("Usine d'engrais du Havre", [0, 0, 1, 1, 1], 3),
    ]


def test_years_outside_the_service_are_not_found(client, world):
    client.force_login(world.coordinator_x)
    assert client.get(reverse("console:stats_yearly_report", args=["seine-estuaire", 1999])).status_code == 404
    assert client.get(reverse("console:stats_yearly_report", args=["seine-estuaire", 2999])).status_code == 404
