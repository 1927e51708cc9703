"""The API fuzzed from its own OpenAPI document (schemathesis): whatever a client sends — random
filters, odd paths, malformed bodies, with or without a valid token — the answer is never a 5xx,
and every answer has the status code, content type and shape the document promises."""
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.checks import not_a_server_error

from django.utils import timezone

from api.models import ApiToken
from notices import services

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go straight to the WSGI application, whose end-of-request signal closes a
    connection left inside a transaction — here, the test's own (on PostgreSQL). Django's
    test client unplugs that handler in the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    return ApiToken.issue(world.org_a, "Fuzz", world.operator_a)[1]


def operations():
    """Every operation of the document, read once at collection (no database needed)."""
    from riverains.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    return {result.ok().label: result.ok() for result in schema.get_all_operations()}


OPERATIONS = operations()


def known_values(world):
    """Real identifiers: random ones alone would only ever reach the 404 branch."""
    from notices.models import Notice

    now = timezone.localtime()
    return {
        "notice_id": list(Notice.objects.values_list("pk", flat=True)),
        "slug": [world.x.slug, world.y.slug],
        "site_id": [world.site_a.pk, world.site_b.pk, world.site_c.pk],
        "site": [world.site_a.pk],
        "communes": [[c.code for c in world.site_a.neighbouring_communes.all()]],
        "commune": [c.code for c in world.site_a.neighbouring_communes.all()],
        "category": ["torchage", "odeur"],
        "perceptions": [["visible"], ["olfactory", "audible"]],
        # Times a notice may have (random ones are nearly all refused: years 2000 to 2099 only).
        "starts_at": [(now + timedelta(hours=1)).isoformat(), (now - timedelta(minutes=5)).isoformat()],
        "expected_end_at": [(now + timedelta(hours=4)).isoformat(), None],
        "title": ["Torchage sur l'unité 3"],
        "body": ["Une flamme sera visible."],
    }


def steer(case, data, known):
    """Half of the time, put real identifiers (and, in a body, acceptable values) into the
    generated request, so that it reaches past the 404 and 422 branches."""
    for parameters in (case.path_parameters, case.query):
        for name in list(parameters or {}):
            if name in known and data.draw(st.booleans()):
                parameters[name] = data.draw(st.sampled_from(known[name]))
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in known and data.draw(st.booleans()):
                case.body[name] = data.draw(st.sampled_from(known[name]))


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_never_fails_and_keeps_its_promises(world, token, label):
    world.publish()  # scheduled
    world.publish(kind="observed", title="Odeur « soufrée » & fumée", starts_at=timezone.now() - timedelta(minutes=30))
    world.publish(site=world.site_c, kind="observed", starts_at=timezone.now() - timedelta(minutes=5))
    services.save_draft(world.operator_a, world.notice_fields(title="Brouillon"))
    known = known_values(world)
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {token}"} if operation.method.upper() != "GET" else {}

    @given(case=operation.as_strategy(), data=st.data())
    @settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def call(case, data):
        steer(case, data, known)
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
