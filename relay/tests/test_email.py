import pytest
from django.utils import timezone

from notices.models import Notice
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .conftest import confirmed


@pytest.fixture
def subscriber(world):
    return confirmed(world.x, "email", "riveraine@example.test", list(world.site_a.neighbouring_communes.all()))


def test_a_subscriber_receives_the_notice_by_email_with_one_click_unsubscribe(world, smtp, subscriber, client):
    notice = world.publish()

    stats = send_pending()

    assert stats.sent == 1
    [message] = smtp.inbox.to("riveraine@example.test")
    assert "Torchage sur l'unité de distillation" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert unsubscribe_url.startswith("http://127.0.0.1:8000/relais/desabonnement/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/seine-estuaire/messages/{notice.pk}/" in text and f"/seine-estuaire/messages/{notice.pk}/" in html
    assert "Vous désabonner" in text and unsubscribe_url in html
    local_start = timezone.localtime(notice.starts_at).strftime("%H:%M")
    assert local_start in text  # Paris time, as residents read it
    assert Delivery.objects.get().status == DeliveryStatus.SENT

    # RFC 8058: the mail client POSTs, without cookie nor CSRF token; the data is gone.
    response = client.post(unsubscribe_url.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(address="riveraine@example.test").exists()
    assert Delivery.objects.get().status == DeliveryStatus.SENT  # still counted, without the address


def test_operator_text_is_escaped_in_the_html_email(world, smtp, subscriber):
    notice = world.publish()
    # The services refuse tags; text already in the database must still be escaped.
    hostile = 'Fumée & <script>alert("x")</script> "noire"'
    Notice.objects.filter(pk=notice.pk).update(title=hostile)
    revision = notice.latest_revision
    revision.snapshot = {**revision.snapshot, "title": hostile, "body": "<b>gras</b> & co"}
    revision.save()

    send_pending()

    [message] = smtp.inbox.messages
    html = message[1].get_body(("html",)).get_content()
    text = message[1].get_body(("plain",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; co" in html
    assert hostile in text  # plain text stays as typed


def test_sending_twice_sends_once(world, smtp, subscriber):
    world.publish()
    send_pending()
    send_pending()
    assert len(smtp.inbox.messages) == 1


def test_smtp_down_then_back_delivers_everything_later(world, smtp, subscriber, settings):
    for i in range(3):
        confirmed(world.x, "email", f"voisin{i}@example.test", [world.site_a.neighbouring_communes.first()])
    world.publish()
    smtp.stop()

    stats = send_pending()

    assert stats.retried == 4 and stats.sent == 0
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() == 4
    assert all(d.next_attempt_at > timezone.now() and d.attempts == 1 and "SMTP" in d.last_error for d in pending)
    assert send_pending().handled == 0  # not due yet: back-off

    smtp.start()
    later = timezone.now() + timezone.timedelta(hours=1)
    stats = send_pending(now=later)

    assert stats.sent == 4
    assert len(smtp.inbox.messages) == 4
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 4


def test_temporary_refusals_become_a_recorded_failure_after_the_last_attempt(world, smtp, subscriber, settings):
    settings.RELAY_MAX_ATTEMPTS = 3
    world.publish()
    smtp.inbox.refuse_after = 0
    moment = timezone.now()
    for _ in range(3):
        send_pending(now=moment)
        moment += timezone.timedelta(days=1)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3 and "451" in delivery.last_error


def test_a_worker_killed_mid_fan_out_leaves_every_subscriber_one_email(world, smtp, settings):
    settings.RELAY_SENDING_TIMEOUT = 60
    commune = world.site_a.neighbouring_communes.first()
    for i in range(120):
        confirmed(world.x, "email", f"r{i}@example.test", [commune])
    world.publish()

    from relay.channels import email

    original = email.EmailChannel.notify
    calls = {"n": 0}

    def crash_after_50(self, delivery):
        if calls["n"] == 50:
            raise SystemExit("worker killed")  # not an Exception: nothing below catches it
        calls["n"] += 1
        return original(self, delivery)

    email.EmailChannel.notify = crash_after_50
    try:
        with pytest.raises(SystemExit):
            send_pending(batch_size=20)
    finally:
        email.EmailChannel.notify = original
    assert len(smtp.inbox.messages) == 50
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 10  # the batch in flight

    # A restarted worker, after the timeout, takes the dead one's batch back.
    send_pending(now=timezone.now() + timezone.timedelta(minutes=5))

    received = [rcpt for rcpts, _m in smtp.inbox.messages for rcpt in rcpts]
    assert set(received) == {f"r{i}@example.test" for i in range(120)}
    assert len(received) - 120 <= 20  # duplicates: at most the batch in flight
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 120


def test_daily_digest_groups_the_day_s_notices_in_one_email(world, smtp, subscriber):
    subscriber.digest = "daily"
    subscriber.save()
    world.publish()
    world.publish(title="Essai de sirène mensuel", category="essai_sirene")
    assert send_pending().handled == 0  # waits for the digest hour

    send_pending(now=timezone.now() + timezone.timedelta(days=1))

    [message] = smtp.inbox.messages
    assert "Récapitulatif : 2 messages" in message[1]["Subject"]
    text = message[1].get_body(("plain",)).get_content()
    assert "Essai de sirène mensuel" in text and "Torchage sur l'unité de distillation" in text
