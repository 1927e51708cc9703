from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from voice.models import Call

pytestmark = pytest.mark.django_db
URL = "/console/telephone/seine-estuaire/"


def call(territory, when, choices=(), duration=None, sid=None, caller="h1"):
    return Call.objects.create(territory=territory, call_sid=sid or f"CA{Call.objects.count()}", started_at=when,
                               choices=list(choices), duration=duration, caller_hash=caller)


def local(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def calls(world):
    call(world.x, local(2025, 3, 3), ["1", "2"], 60, caller="a")
    call(world.x, local(2025, 3, 3, 23), ["1", "timeout"], 90, caller="b")  # still 3 March in Paris
    call(world.x, local(2025, 3, 5), ["9"], None, caller="a")
    call(world.x, local(2025, 4, 1), ["1"], 30, caller="c")  # outside the period
    call(world.y, local(2025, 3, 3), ["2"], 45, caller="d")  # other territory
    return world


def test_a_coordinator_sees_calls_per_day_choices_and_duration(calls, client):
    client.force_login(calls.coordinator_x)
    response = client.get(URL, {"du": "2025-03-01", "au": "2025-03-31"})
    assert response.status_code == 200
    assert response.context["total"] == 3 and response.context["callers"] == 2
    assert [(row["day"].isoformat(), row["count"]) for row in response.context["per_day"]] == [
        ("2025-03-03", 2), ("2025-03-05", 1)]
    choices = {str(label): count for label, count in response.context["choices"]}
    assert choices["1 — une activité en détail"] == 2
    assert choices["aucune touche"] == 1
    assert response.context["average_duration"] == 75
    html = response.content.decode()
    assert "lundi 3 mars 2025" in html and "75 secondes" in html


def test_the_default_period_is_the_last_thirty_days(calls, client):
    call(calls.x, timezone.now() - timedelta(days=2), ["1"], 20)
    client.force_login(calls.coordinator_x)
    response = client.get(URL)
    assert response.context["total"] == 1


def test_a_coordinator_with_one_territory_goes_straight_to_it(calls, client):
    client.force_login(calls.coordinator_x)
    response = client.get("/console/telephone/")
    assert response.status_code == 302 and response.url == URL


def test_the_superuser_chooses_among_territories(calls, client):
    client.force_login(calls.superuser)
    response = client.get("/console/telephone/")
    assert response.status_code == 200
    assert URL in response.content.decode() and "/console/telephone/etang-de-berre/" in response.content.decode()


def test_other_coordinators_and_operators_get_not_found(calls, client):
    client.force_login(calls.coordinator_y)
    assert client.get(URL).status_code == 404
    client.force_login(calls.operator_a)
    assert client.get(URL).status_code == 404
    assert client.get("/console/telephone/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(calls, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/console/connexion/" in response.url


def test_a_reversed_period_gets_a_clear_message(calls, client):
    client.force_login(calls.coordinator_x)
    response = client.get(URL, {"du": "2025-03-31", "au": "2025-03-01"})
    assert response.status_code == 200
    assert "La date de fin doit être après la date de début." in response.content.decode()
    assert "total" not in response.context


def test_a_malformed_date_gets_a_clear_message(calls, client):
    client.force_login(calls.coordinator_x)
    response = client.get(URL, {"du": "hier", "au": "2025-03-01"})
    assert "Saisissez une date valide." in response.content.decode()


def test_the_date_fields_are_served_as_iso_dates_that_a_date_input_keeps(calls, client):
    """A type="date" input only takes YYYY-MM-DD: a French 02/11/2026 is dropped by the browser,
    and the next "Afficher" sends empty dates."""
    import re

    client.force_login(calls.coordinator_x)
    chosen = client.get(URL, {"du": "2025-03-01", "au": "2025-03-31"}).content.decode()
    assert re.search(r'<input type="date" name="du" value="2025-03-01"', chosen)
    assert re.search(r'<input type="date" name="au" value="2025-03-31"', chosen)
    default = client.get(URL).content.decode()
    today = timezone.localdate()
    assert f'name="au" value="{today.isoformat()}"' in default
    assert f'name="du" value="{(today - timedelta(days=29)).isoformat()}"' in default
