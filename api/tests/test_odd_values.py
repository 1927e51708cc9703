"""Values at the edges of what the types allow, found by fuzzing the API (schemathesis): each got
a 500 or a response that broke the document's promise; each now gets a plain answer."""
import json

import pytest

URL = "/api/v1/territories/seine-estuaire/notices"


@pytest.mark.parametrize("params", [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "0001-01-01", "to": "9999-12-31"}])
def test_the_first_and_last_days_of_the_calendar_are_just_days(client, world, params):
    world.publish(title="Torchage")
    for url in (URL, "/api/v1/notices"):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        assert [n["title"] for n in response.json()["results"]] == ["Torchage"]


@pytest.mark.parametrize("field, value", [("starts_at", "0160-05-26T01:44:35"), ("expected_end_at", "9999-12-31T23:00:00")])
def test_a_notice_in_another_century_is_refused_in_french(client, world, token_a, bearer, field, value):
    """Year 0160 was stored, then given back with Paris's 1911 offset (+00:09:21), which no
    ISO 8601 reader accepts."""
    from notices.models import Notice

    data = {"site": world.site_a.pk, "category": "torchage", "perceptions": ["visible"], "title": "Torchage",
            "body": "Une flamme sera visible.", "starts_at": "2030-01-01T10:00:00"}
    data[field] = value
    response = client.post("/api/v1/notices", json.dumps(data), content_type="application/json", **bearer(token_a[1]))
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == ["Indiquez une date entre 2000 et 2099."]
    assert not Notice.objects.exists()
