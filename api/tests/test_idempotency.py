"""Retry-safe writes (issue 12): a write whose answer was lost is not made twice.

Across PostgreSQL restarts one publish per restart was answered 503 "réessayez" although it was
committed; a client following that advice published a duplicate and subscribers were told twice.
Here the commit succeeds, then the database "goes away" before the answer (an after-commit
callback raises OperationalError: the API answers 503), and the client retries."""
import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from api.models import IdempotentWrite
from notices.models import Notice, Revision
from notices.signals import revision_created
from relay.models import Delivery, Subscription

from .test_write_api import payload

KEY = "5f0c8e9e-3b7d-4a8e-9d8a-2f6f1c1b7e42"
# These tests need real commits: after-commit callbacks run when the request's transaction ends.
AFTER_COMMIT = pytest.mark.django_db(transaction=True)


def send(client, method, url, data, clear, key=KEY, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return getattr(client, method)(url, json.dumps(data), content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {clear}", **headers)


@pytest.fixture
def subscriber(world):
    """A resident who gets every notice of site A's communes by e-mail."""
    subscription = Subscription.objects.create(territory=world.x, channel="email", address="riveraine@example.test",
                                               confirmed_at=timezone.now(), manage_nonce="n")
    subscription.communes.set(world.site_a.neighbouring_communes.all())
    return subscription


@pytest.fixture
def lose_next_answer():
    """Call it, and the next write commits, then the connection fails before its answer is sent."""
    state = {"armed": False}

    def after_commit():
        if state["armed"]:
            state["armed"] = False
            raise OperationalError("server closed the connection unexpectedly")

    def register(sender, **kwargs):
        transaction.on_commit(after_commit)  # not robust: raises into the request, after the commit

    def arm():
        state["armed"] = True

    revision_created.connect(register, dispatch_uid="test-answer-lost")
    yield arm
    revision_created.disconnect(dispatch_uid="test-answer-lost")


def deliveries():
    return Delivery.objects.filter(revision__isnull=False).count()


@AFTER_COMMIT
def test_a_publish_whose_answer_was_lost_is_retried_safely(client, world, token_a, subscriber, lose_next_answer):
    data = payload(world)
    lose_next_answer()
    lost = send(client, "post", "/api/v1/notices", data, token_a[1])
    assert lost.status_code == 503
    assert "réessayez" in lost.json()["detail"]
    assert Notice.objects.count() == 1 and deliveries() == 1  # stored all the same

    retry = send(client, "post", "/api/v1/notices", data, token_a[1])
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert Notice.objects.count() == 1 and Revision.objects.count() == 1
    assert deliveries() == 1  # the resident is told once
    assert retry.json()["id"] == Notice.objects.get().pk and retry.json()["title"] == data["title"]

    again = send(client, "post", "/api/v1/notices", data, token_a[1])
    assert again.content == retry.content  # the same answer, every time


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(client, world, token_a, subscriber):
    first = send(client, "post", "/api/v1/notices", payload(world), token_a[1])
    assert first.status_code == 201
    other = send(client, "post", "/api/v1/notices", payload(world, title="Autre torchage"), token_a[1])
    assert other.status_code == 422
    assert "a déjà servi pour une autre requête" in other.json()["detail"]
    assert "Idempotency-Key" in other.json()["errors"]
    assert Notice.objects.count() == 1 and deliveries() == 1
    # Another operation with the same key is another request too.
    notice_id = first.json()["id"]
    cancel = send(client, "post", f"/api/v1/notices/{notice_id}/cancel", {"reason": "Reporté"}, token_a[1])
    assert cancel.status_code == 422
    assert Notice.objects.get().status == "scheduled"


def test_the_same_body_in_another_order_is_the_same_request(client, world, token_a):
    data = payload(world)
    assert send(client, "post", "/api/v1/notices", data, token_a[1]).status_code == 201
    reordered = dict(reversed(list(data.items())))
    assert send(client, "post", "/api/v1/notices", reordered, token_a[1]).status_code == 201
    assert Notice.objects.count() == 1


@AFTER_COMMIT
@pytest.mark.parametrize("operation", ["update", "end", "cancel"])
def test_every_write_is_retry_safe(client, world, token_a, subscriber, lose_next_answer, operation):
    now = timezone.now()
    if operation == "end":
        notice = world.publish(kind="observed", starts_at=now - timedelta(hours=1), expected_end_at=now + timedelta(hours=1))
        method, url, data = "post", f"/api/v1/notices/{notice.pk}/end", {"change_note": "Fin du torchage"}
    elif operation == "cancel":
        notice = world.publish()
        method, url, data = "post", f"/api/v1/notices/{notice.pk}/cancel", {"reason": "Reporté"}
    else:
        notice = world.publish()
        method, url, data = "patch", f"/api/v1/notices/{notice.pk}", {"title": "Torchage prolongé", "change_note": "Prolongé"}
    before = deliveries()
    lose_next_answer()
    assert send(client, method, url, data, token_a[1]).status_code == 503
    retry = send(client, method, url, data, token_a[1])
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert notice.revisions.count() == 2
    assert deliveries() == before + 1


def test_without_a_key_a_retry_is_a_new_write(client, world, token_a):
    """The header is what makes a retry safe: documented, optional, and nothing is kept without it."""
    for _ in range(2):
        assert send(client, "post", "/api/v1/notices", payload(world), token_a[1], key=None).status_code == 201
    assert Notice.objects.count() == 2 and not IdempotentWrite.objects.exists()


def test_keys_belong_to_one_organization(client, world, token_a, token_b):
    assert send(client, "post", "/api/v1/notices", payload(world), token_a[1]).status_code == 201
    theirs = payload(world, site=world.site_b.pk, communes=["76351"])
    response = send(client, "post", "/api/v1/notices", theirs, token_b[1])
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Notice.objects.count() == 2


def test_a_refused_write_is_not_kept_and_its_key_may_be_used_once_corrected(client, world, token_a):
    assert send(client, "post", "/api/v1/notices", payload(world, title=""), token_a[1]).status_code == 422
    assert send(client, "post", "/api/v1/notices", payload(world), token_a[1]).status_code == 201
    assert Notice.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "clé-accentuée", "deux mots"])
def test_a_malformed_key_is_refused_in_french(client, world, token_a, key):
    response = send(client, "post", "/api/v1/notices", payload(world), token_a[1], key=key)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("En-tête Idempotency-Key invalide")
    assert not Notice.objects.exists()


def test_keys_expire_after_24_hours(client, world, token_a):
    assert send(client, "post", "/api/v1/notices", payload(world), token_a[1]).status_code == 201
    IdempotentWrite.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # Past 24 h the key is free again (the client's retries are long over)...
    assert send(client, "post", "/api/v1/notices", payload(world, title="Nouveau torchage"), token_a[1]).status_code == 201
    assert Notice.objects.count() == 2
    # ...and the scheduler's purge deletes what is older.
    IdempotentWrite.objects.update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys", stdout=StringIO())
    assert not IdempotentWrite.objects.exists()


@AFTER_COMMIT
def test_a_failing_after_commit_receiver_does_not_turn_a_stored_write_into_an_error(
        client, world, token_a, monkeypatch):
    """Reports, the voice bulletin and caches hear of a change after commit; the database may be
    gone again by then. The write is stored: its answer must say so, not "réessayez"."""
    from reports import services as reports_services

    def unavailable(notice):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(reports_services, "explain_with", unavailable)
    response = send(client, "post", "/api/v1/notices", payload(world), token_a[1], key=None)
    assert response.status_code == 201
    assert Notice.objects.count() == 1


def test_the_openapi_document_shows_the_header_on_every_write(client):
    document = client.get("/api/v1/openapi.json").json()
    writes = [(path, method, operation) for path, item in document["paths"].items()
              for method, operation in item.items() if method in ("post", "put", "patch", "delete")]
    assert len(writes) >= 5
    for path, method, operation in writes:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert len(headers) == 1, (method, path)
        assert "24 h" in headers[0]["description"] and headers[0]["required"] is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL (SQLite has one writer)")
def test_two_requests_with_the_same_key_at_the_same_moment_write_once(world, token_a, subscriber):
    """Both pass the look-up before either commits; the second waits on the key's unique index,
    its write is undone, and it answers with the first one's answer."""
    from django.test import Client

    inside = threading.Barrier(2, timeout=20)

    def meet(sender, **kwargs):
        inside.wait()

    revision_created.connect(meet, dispatch_uid="test-same-moment")
    responses, data = [], payload(world)

    def publish():
        try:
            responses.append(send(Client(), "post", "/api/v1/notices", data, token_a[1]))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=publish) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        revision_created.disconnect(dispatch_uid="test-same-moment")
    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Notice.objects.count() == 1 and deliveries() == 1
