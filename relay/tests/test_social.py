import pytest
from django.utils import timezone

from notices.models import Notice
from relay import services
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .social_servers import FakeBluesky, FakeMastodon

TRICKY_TITLE = 'Bruit & vapeur < 5 min "essai" <b>soupape</b>'


@pytest.fixture
def mastodon(world):
    server = FakeMastodon()
    account = services.configure_social_account(world.x, "mastodon", server.url + "/", FakeMastodon.token)
    yield server, account
    server.stop()


@pytest.fixture
def bluesky(world, settings):
    server = FakeBluesky()
    settings.BLUESKY_SERVICE_URL = server.url + "/xrpc"
    account = services.configure_social_account(world.x, "bluesky", "@" + FakeBluesky.handle_name, FakeBluesky.password)
    yield server, account
    server.stop()


def publish_tricky(world):
    notice = world.publish()
    # Operators' text as it could come from the API: characters that would be markup in HTML.
    Notice.objects.filter(pk=notice.pk).update(title=TRICKY_TITLE)
    revision = notice.latest_revision
    revision.snapshot = {**revision.snapshot, "title": TRICKY_TITLE}
    revision.save()
    return notice


def test_a_notice_is_posted_on_the_territory_s_mastodon_account(world, mastodon):
    server, account = mastodon
    notice = publish_tricky(world)

    assert send_pending().sent == 1

    [status] = server.posted
    text = status["status"]
    assert text.startswith(f"Seine-Estuaire — Nouveau message : {TRICKY_TITLE}\n"  # as typed: no HTML escaping
                           "Que faire ? Rien : ce n'est pas une alerte.\n")  # what to do, right after the title
    assert "&amp;" not in text and "&lt;" not in text
    assert "Raffinerie de Gonfreville · communes : " in text and "Le Havre" in text
    assert "Début : " in text and "Fin : " in text
    assert text.endswith(f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/")
    assert len(text) <= 500
    assert status["visibility"] == "public" and status["language"] == "fr"
    assert status["idempotency-key"] == f"riverains-{notice.latest_revision.pk}-{account.pk}"
    assert "/api/v1/instance" not in server.calls


def test_a_long_notice_fits_500_characters_on_mastodon_with_the_whole_link(world, mastodon):
    server, _account = mastodon
    notice = world.publish(title="Torchage prolongé " * 6)

    send_pending()

    text = server.posted[0]["status"]
    assert len(text) <= 500 and text.endswith(f"/seine-estuaire/messages/{notice.pk}/")


def test_a_refused_mastodon_token_is_recorded_without_retrying(world, mastodon):
    server, _account = mastodon
    server.status = 401
    world.publish()

    send_pending()

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "401" in delivery.last_error


def test_an_unavailable_mastodon_instance_is_retried(world, mastodon):
    server, _account = mastodon
    server.status = 503
    world.publish()

    send_pending()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "503" in delivery.last_error

    server.status = None
    send_pending(now=timezone.now() + timezone.timedelta(hours=1))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(server.posted) == 1


def test_a_notice_is_posted_on_bluesky_with_a_link_facet(world, bluesky):
    server, _account = bluesky
    notice = publish_tricky(world)

    assert send_pending().sent == 1

    [call] = server.posted
    record = call["record"]
    assert call["repo"] == FakeBluesky.did and call["collection"] == "app.bsky.feed.post"
    text = record["text"]
    assert text.startswith(f"Seine-Estuaire — Nouveau message : {TRICKY_TITLE}\n")
    assert len(text) <= 300
    url = f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/"
    [facet] = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end].decode() == url  # byte offsets, after the multi-byte "—" and "é"
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": url}]
    assert record["langs"] == ["fr"]


def test_a_long_notice_fits_300_graphemes_on_bluesky(world, bluesky):
    server, _account = bluesky
    world.publish(title="Essai de sirène et torchage prolongé " * 3)

    send_pending()

    text = server.posted[0]["record"]["text"]
    assert len(text) <= 300 and "/seine-estuaire/messages/" in text


def test_a_refused_bluesky_app_password_is_recorded(world, bluesky):
    server, account = bluesky
    Subscription.objects.filter(pk=account.pk).update(secret="wrong-pass-word-here")
    world.publish()

    send_pending()

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "mot de passe d'application" in delivery.last_error
    assert server.posted == []


def test_an_unavailable_bluesky_server_is_retried(world, bluesky):
    server, _account = bluesky
    server.status = 503
    world.publish()

    send_pending()
    assert Delivery.objects.get().status == DeliveryStatus.PENDING

    server.status = None
    send_pending(now=timezone.now() + timezone.timedelta(hours=1))
    assert Delivery.objects.get().status == DeliveryStatus.SENT and len(server.posted) == 1
