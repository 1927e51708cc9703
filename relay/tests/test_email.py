import io
import re
from email.message import EmailMessage
from unittest.mock import patch
from urllib.parse import unquote

import pytest
from django.core.management import call_command
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
    unsubscribe_url = str(message["List-Unsubscribe"]).split(",")[0].strip().strip("<>")
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


def test_a_worker_stopped_by_an_exception_mid_batch_records_what_it_sent(world, smtp, settings):
    """The worker's process dies by SystemExit (not SIGKILL): the outcomes of the batch in flight
    are still written, so nothing is sent twice. SIGKILL is test_fault_worker_killed.py."""
    settings.RELAY_SENDING_TIMEOUT = 60
    settings.RELAY_EMAIL_CONNECTIONS = 1  # one connection: the 51st message is exactly where it stops
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
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 50  # the 10 of the batch in flight too
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 10  # claimed, never sent

    # Nobody renews the dead worker's lease: once it has run out, the next worker takes the batch back.
    Delivery.objects.filter(status=DeliveryStatus.SENDING).update(lease_until=timezone.now() - timezone.timedelta(seconds=1))
    send_pending()

    received = [rcpt for rcpts, _m in smtp.inbox.messages for rcpt in rcpts]
    assert set(received) == {f"r{i}@example.test" for i in range(120)}
    assert len(received) == 120  # no duplicate
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


def test_a_batch_s_outcomes_are_written_together_not_one_commit_per_email(world, smtp):
    commune = world.site_a.neighbouring_communes.first()
    for i in range(30):
        confirmed(world.x, "email", f"r{i}@example.test", [commune])
    world.publish()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert send_pending(batch_size=200).sent == 30

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "relay_delivery"')]
    # before each claim a release of dead workers' rows, each claim (an UPDATE of the rows it
    # takes; the second finds nothing left), then one UPDATE for the 30 sent rows
    assert len(updates) == 5
    assert len(smtp.inbox.messages) == 30
    assert Delivery.objects.filter(status=DeliveryStatus.SENT, attempts=1, claim_id="").count() == 30


def test_one_batch_with_every_outcome_records_each_row_right(world, smtp, settings):
    settings.RELAY_MAX_ATTEMPTS = 2
    commune = world.site_a.neighbouring_communes.first()
    for name in ["ok1", "ok2", "gone", "later1", "later2"]:
        confirmed(world.x, "email", f"{name}@example.test", [commune])
    smtp.inbox.refused = {"gone@example.test": "550 5.1.1 no such user",
                          "later1@example.test": "450 4.2.1 mailbox busy", "later2@example.test": "450 4.2.1 mailbox busy"}
    world.publish()
    # Two rows already tried once: this temporary refusal is their last attempt.
    Delivery.objects.filter(subscription__address__startswith="later").update(attempts=1)

    stats = send_pending()

    assert (stats.sent, stats.failed, stats.retried) == (2, 3, 0)
    rows = {d.subscription.address.split("@")[0]: d for d in Delivery.objects.select_related("subscription")}
    assert rows["ok1"].status == rows["ok2"].status == DeliveryStatus.SENT
    assert rows["gone"].status == DeliveryStatus.FAILED and "adresse refusée" in rows["gone"].last_error
    assert rows["gone"].attempts == 1
    assert rows["later1"].status == DeliveryStatus.FAILED and rows["later1"].attempts == 2
    assert rows["later1"].last_error == "destinataire refusé temporairement : [450] (après 2 tentatives)"
    assert not Delivery.objects.exclude(claim_id="").exists()
    assert sorted(r for rcpts, _m in smtp.inbox.messages for r in rcpts) == ["ok1@example.test", "ok2@example.test"]


@pytest.fixture
def english_subscriber(world):
    return confirmed(world.x, "email", "resident@example.test", list(world.site_a.neighbouring_communes.all()),
                     language="en")


def test_an_update_reaches_an_english_subscriber_with_english_labels_around_the_operator_s_words(
    world, smtp, english_subscriber
):
    from notices import services

    notice = world.publish()
    send_pending()
    services.update(world.operator_a, notice, {"title": "Torchage plus important"}, "La flamme est plus grande")
    services.cancel(world.operator_a, notice, "Redémarrage reporté")
    send_pending()

    _published, updated, cancelled = smtp.inbox.to("resident@example.test")
    assert updated["Subject"].strip() == "[Seine-Estuaire] Update: Torchage plus important"
    text = updated.get_body(("plain",)).get_content()
    assert "Update — Seine-Estuaire" in text and "What changed: La flamme est plus grande" in text
    assert "Start: " in text and "End: " in text
    html = updated.get_body(("html",)).get_content()
    assert 'What changed: <span lang="fr">La flamme est plus grande</span>' in html
    assert '<title lang="fr">Torchage plus important</title>' in html
    assert cancelled["Subject"].strip() == "[Seine-Estuaire] Cancelled: Torchage plus important"


def test_the_daily_digest_in_english(world, smtp, english_subscriber):
    english_subscriber.digest = "daily"
    english_subscriber.save()
    world.publish()
    world.publish(title="Essai de sirène mensuel", category="essai_sirene")

    send_pending(now=timezone.now() + timezone.timedelta(days=1))

    [message] = smtp.inbox.messages
    assert message[1]["Subject"] == "[Seine-Estuaire] Summary: 2 notices"
    text = message[1].get_body(("plain",)).get_content()
    assert "Essai de sirène mensuel" in text and "Torchage sur l'unité de distillation" in text
    assert "Siren test" in text and "Flaring" in text and text.count("(Paris time)") == 2
    assert "This is information, not an alert." in text
    html = message[1].get_body(("html",)).get_content()
    assert "<title>Summary — Seine-Estuaire</title>" in html


def test_each_revision_is_rendered_once_per_language_not_once_per_email(world, smtp, monkeypatch):
    commune = world.site_a.neighbouring_communes.first()
    for i in range(5):
        confirmed(world.x, "email", f"fr{i}@example.test", [commune])
        confirmed(world.x, "email", f"en{i}@example.test", [commune], language="en")
    world.publish()
    from relay import messages, services
    from relay.channels import email

    built, rendered = [], []
    for_revision, render = messages.for_revision, email.render
    monkeypatch.setattr(messages, "for_revision", lambda revision, language: built.append(language) or for_revision(revision, language))
    monkeypatch.setattr(email, "render", lambda items, language: rendered.append(language) or render(items, language))

    assert send_pending(batch_size=200).sent == 10

    assert sorted(built) == sorted(rendered) == ["en", "fr"]
    for rcpts, message in smtp.inbox.messages:
        # Rendered once, yet each e-mail carries its own subscriber's links.
        language = rcpts[0][:2]
        assert message["Subject"].strip().startswith(
            "[Seine-Estuaire] Nouveau message : " if language == "fr" else "[Seine-Estuaire] New notice: "
        )
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        prefix = "" if language == "fr" else "/en"
        token = re.search(rf"http://127\.0\.0\.1:8000{prefix}/seine-estuaire/abonnement/gerer/(\S+)/", text).group(1)
        assert services.subscription_for_manage_token(token).address == rcpts[0]
        assert f"/abonnement/gerer/{token}/" in html
        unsubscribe = str(message["List-Unsubscribe"]).split(",")[0].strip().strip("<>")
        assert unsubscribe in text and unsubscribe in html
        token = re.fullmatch(r"http://127\.0\.0\.1:8000/relais/desabonnement/(\S+)/", unsubscribe).group(1)
        assert services.subscription_for_manage_token(token).address == rcpts[0]


def test_list_unsubscribe_offers_a_mailto_alternative_that_unsubscribes(world, smtp, subscriber, settings):
    settings.RELAY_UNSUBSCRIBE_EMAIL = "desabonnement@riverains.example.org"
    world.publish()
    send_pending()
    [message] = smtp.inbox.to("riveraine@example.test")

    https, mailto = [part.strip().strip("<>") for part in str(message["List-Unsubscribe"]).split(",")]
    assert https.startswith("http://127.0.0.1:8000/relais/desabonnement/")
    assert mailto.startswith("mailto:desabonnement@riverains.example.org?subject=unsubscribe%20")

    # What a mail client sends when the resident picks "unsubscribe" and it has no one-click.
    reply = EmailMessage()
    reply["From"], reply["To"] = "riveraine@example.test", "desabonnement@riverains.example.org"
    reply["Subject"] = unquote(mailto.split("?subject=")[1])
    stdin = io.TextIOWrapper(io.BytesIO(reply.as_bytes()))
    out = io.StringIO()
    with patch("sys.stdin", stdin):
        call_command("unsubscribe_by_mail", stdout=out)
    assert "unsubscribed" in out.getvalue()
    assert not Subscription.objects.filter(address="riveraine@example.test").exists()


def test_a_forged_mailto_unsubscribe_changes_nothing(world, subscriber):
    reply = EmailMessage()
    reply["Subject"] = "unsubscribe eyJzIjoxfQ:forged:signature"
    with patch("sys.stdin", io.TextIOWrapper(io.BytesIO(reply.as_bytes()))):
        call_command("unsubscribe_by_mail", stdout=io.StringIO())
    assert Subscription.objects.filter(pk=subscriber.pk).exists()


def test_each_territory_is_its_own_list_id(world, smtp, subscriber, settings):
    settings.SITE_URL = "https://riverains.example.org"
    berre = confirmed(world.y, "email", "berre@example.test", list(world.site_c.neighbouring_communes.all()))
    world.publish()
    world.publish(site=world.site_c)
    send_pending()

    [estuary] = smtp.inbox.to(subscriber.address)
    [etang] = smtp.inbox.to(berre.address)
    assert str(estuary["List-Id"]) == "Seine-Estuaire <seine-estuaire.riverains.example.org>"
    # The raw header is ASCII (encoded name), so that filters match the <…> part as typed.
    raw_header = re.sub(r"\r?\n", "", dict(etang.raw_items())["List-Id"])  # unfolded
    assert raw_header == "=?utf-8?q?=C3=89tang_de_Berre?= <etang-de-berre.riverains.example.org>"
