"""The statistics page and the yearly PDF count alike: for the same year, the same figures, and
neither counts an operation scheduled after today (it counts once it begins)."""
from datetime import UTC

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Category, Kind, Status
from stats import yearly

from .conftest import paris, past_notice
from .test_yearly_report import pdf_text

TODAY = paris(2025, 6, 15, 12)  # the day the coordinator looks, in the middle of 2025


@pytest.fixture
def mid_2025(world, monkeypatch):
    a, b = world.site_a, world.site_b
    P, O = Kind.PLANNED, Kind.OBSERVED
    past_notice(world, a, P, Category.FLARING, paris(2025, 3, 10, 10), paris(2025, 3, 8, 10),  # announced 48 h ahead
                paris(2025, 3, 10, 14), paris(2025, 3, 10, 13))
    past_notice(world, a, P, Category.NOISE, paris(2025, 3, 20, 8), paris(2025, 3, 19, 20),  # 12 h ahead
                paris(2025, 3, 20, 12), paris(2025, 3, 20, 12, 30))
    past_notice(world, b, O, Category.ODOUR, paris(2025, 5, 15, 14), paris(2025, 5, 15, 14, 30), None, paris(2025, 5, 15, 18))
    # After today: a shutdown and works announced months ahead, still to come.
    past_notice(world, a, P, Category.MAINTENANCE, paris(2025, 9, 1, 8), paris(2025, 6, 1, 8),
                paris(2025, 9, 5, 8), None, status=Status.SCHEDULED)
    past_notice(world, b, P, Category.WORKS, paris(2025, 10, 1, 8), paris(2025, 6, 2, 8),
                paris(2025, 10, 2, 8), None, status=Status.SCHEDULED)
    monkeypatch.setattr(timezone, "now", lambda: TODAY.astimezone(UTC))
    return world


def test_the_page_for_a_year_and_its_pdf_give_the_same_key_figures(client, mid_2025):
    client.force_login(mid_2025.coordinator_x)
    url = reverse("console:stats_territory", args=["seine-estuaire"])
    page = client.get(url)
    assert '?du=2025-01-01&amp;au=2025-12-31">' in page.content.decode()  # the year on screen, next to its PDF
    year = client.get(url, {"du": "2025-01-01", "au": "2025-12-31"})
    on_screen = {str(label): str(value) for label, value in year.context["key_figures"]}
    assert on_screen["Messages publiés"] == "3"  # not the two operations still to come
    assert on_screen["Délai d'annonce médian (opérations prévues)"] == "1 j 6 h"  # 48 h and 12 h, not months
    assert "Chiffres arrêtés au 15 juin 2025" in year.content.decode()

    in_report = {str(label): str(value) for label, value, _before in yearly.comparison(mid_2025.x, 2025)}
    assert in_report == on_screen
    response = client.get(reverse("console:stats_yearly_report", args=["seine-estuaire", 2025]))
    text = " ".join(pdf_text(response.content).split())
    assert "Messages publiés 3 " in text
    assert "Délai d'annonce médian (opérations prévues) 1 j 6 h" in text
    assert "Chiffres arrêtés au 15 juin 2025" in text


def test_an_operation_counts_once_it_has_begun(client, mid_2025, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: paris(2025, 9, 1, 9).astimezone(UTC))
    rows = {str(label): str(value) for label, value, _before in yearly.comparison(mid_2025.x, 2025)}
    assert rows["Messages publiés"] == "4"
