"""The statistics pages: only the territory's coordinator (and superusers), charts with a text
summary and a data table, CSV exports safe to open in a spreadsheet."""
import csv
import io

import pytest
from django.urls import reverse

from notices.models import Category, Kind
from territories.models import Organization, Site

from .conftest import paris, past_notice

YEAR = {"du": "2025-01-01", "au": "2025-12-31"}


def stats_url(territory):
    return reverse("console:stats_territory", args=[territory.slug])


def csv_url(territory, figure):
    return reverse("console:stats_csv", args=[territory.slug, figure])


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_coordinator_sees_their_territorys_figures(client, dataset):
    client.force_login(dataset.world.coordinator_x)
    response = client.get(stats_url(dataset.world.x), YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 messages sur la période." in page
    assert "Mois le plus chargé : mars 2025 (2)." in page
    assert "Adhérent Silencieux" in page
    assert "18 h 00 min" in page  # median lead time


def test_every_chart_has_a_title_a_summary_and_a_data_table(client, dataset):
    client.force_login(dataset.world.coordinator_x)
    page = client.get(stats_url(dataset.world.x), YEAR).content.decode()
    charts = page.count('<svg class="stats-chart"')
    assert charts >= 8
    assert page.count("<title id=") == charts and page.count("<desc id=") == charts
    assert page.count("<table") >= charts


@pytest.mark.parametrize("user", ["coordinator_y", "operator_a"])
def test_others_cannot_see_a_territorys_statistics(client, dataset, user):
    client.force_login(getattr(dataset.world, user))
    x = dataset.world.x
    assert client.get(stats_url(x)).status_code == 404
    assert client.get(csv_url(x, "messages-par-site")).status_code == 404
    assert client.get(reverse("console:stats_yearly_report", args=[x.slug, 2025])).status_code == 404


def test_an_operator_has_no_statistics_page(client, world):
    client.force_login(world.operator_a)
    assert client.get(reverse("console:stats_index")).status_code == 404


def test_a_coordinator_of_one_territory_goes_straight_to_it(client, world):
    client.force_login(world.coordinator_y)
    response = client.get(reverse("console:stats_index"))
    assert response.status_code == 302 and response["Location"] == stats_url(world.y)


def test_a_superuser_chooses_among_all_territories(client, world):
    client.force_login(world.superuser)
    page = client.get(reverse("console:stats_index")).content.decode()
    assert "Seine-Estuaire" in page and "Étang de Berre" in page


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(stats_url(world.x))
    assert response.status_code == 302 and "/console/" in response["Location"]


def test_the_default_period_is_the_last_twelve_months(client, world):
    client.force_login(world.coordinator_x)
    response = client.get(stats_url(world.x))
    period = response.context["period"]
    assert len(period.months()) == 12 and period.start.day == 1


def test_a_wrong_period_gets_a_french_message_and_no_figures(client, world):
    client.force_login(world.coordinator_x)
    response = client.get(stats_url(world.x), {"du": "2025-06-01", "au": "2025-05-01"})
    assert response.status_code == 400
    assert "La date de fin doit être le même jour que la date de début ou après." in response.content.decode()
    assert "figures" not in response.context
    response = client.get(csv_url(world.x, "messages-par-mois"), {"du": "2020-01-01", "au": "2026-01-01"})
    assert response.status_code == 400 and "cinq ans au plus" in response.content.decode()


def test_csv_export_of_a_figure(client, dataset):
    client.force_login(dataset.world.coordinator_x)
    response = client.get(csv_url(dataset.world.x, "messages-par-mois"), YEAR)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="seine-estuaire-messages-par-mois-20250101-20251231.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Mois", "Messages"]
    assert rows[3] == ["mars 2025", "2"] and rows[12] == ["décembre 2025", "1"] and len(rows) == 13


def test_every_figure_can_be_exported(client, dataset):
    client.force_login(dataset.world.coordinator_x)
    page = client.get(stats_url(dataset.world.x), YEAR)
    for figure in page.context["figures"]:
        response = client.get(csv_url(dataset.world.x, figure.slug), YEAR)
        assert response.status_code == 200 and read_csv(response)[0] == [str(c) for c in figure.columns]
    assert client.get(csv_url(dataset.world.x, "inconnu"), YEAR).status_code == 404


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, world):
    org = Organization.objects.create(territory=world.x, name='=HYPERLINK("http://evil.example","clic")')
    Organization.objects.create(territory=world.x, name="@SUM(A1)")
    Organization.objects.create(territory=world.x, name="-2+3")
    client.force_login(world.coordinator_x)
    rows = read_csv(client.get(csv_url(world.x, "adherents-sans-message"), YEAR))
    names = sorted(row[0] for row in rows[1:])
    assert "'" + org.name in names and "'@SUM(A1)" in names and "'-2+3" in names
    assert not any(name.startswith(("=", "@", "-", "+")) for name in names)


def test_operator_text_is_escaped_in_the_page_and_its_charts(client, world):
    org = Organization.objects.create(territory=world.x, name="<script>alert(1)</script> SA")
    site = Site.objects.create(organization=org, name="<img src=x onerror=alert(2)>", slug="evil",
                               commune=world.site_a.commune, latitude="49.48", longitude="0.2")
    site.neighbouring_communes.set([world.site_a.commune])
    past_notice(world, site, Kind.PLANNED, Category.NOISE, paris(2025, 5, 5, 10), paris(2025, 5, 4, 10),
                actor=world.coordinator_x)
    client.force_login(world.coordinator_x)
    page = client.get(stats_url(world.x), YEAR).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; SA" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
