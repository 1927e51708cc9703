"""The fast fan-out (issue 14): e-mails composed once per revision and language with each
subscriber's own address, Message-ID and links put in, sent through several SMTP connections
of one worker. Every subscriber still gets their own links (escaped in HTML), their own
unsubscribe headers, the notice exactly once — also when the worker is asked to stop halfway."""
import re
from urllib.parse import unquote

from relay import messages, services
from relay.channels import email
from relay.models import Delivery, DeliveryStatus
from relay.sender import send_pending

from .conftest import confirmed, owner_of_link, subscribers


def test_each_subscriber_of_a_composed_fan_out_gets_their_own_links_and_unsubscribe_headers(world, smtp, settings):
    settings.RELAY_EMAIL_CONNECTIONS = 4
    people = subscribers(world, 12) + subscribers(world, 6, language="en", prefix="en")
    world.publish(title='Torchage < 5 min & "visible" > 20 km')

    assert send_pending(batch_size=50).sent == 18

    assert sorted(r for rcpts, _m in smtp.inbox.messages for r in rcpts) == sorted(p.address for p in people)
    message_ids = set()
    for [recipient], message in smtp.inbox.messages:
        assert message["To"] == recipient
        message_ids.add(message["Message-ID"])
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        # The operator's words: as written in the text, escaped in the HTML, never as markup.
        assert 'Torchage < 5 min & "visible" > 20 km' in text
        assert "Torchage &lt; 5 min &amp; &quot;visible&quot; &gt; 20 km" in html and "< 5 min" not in html
        manage = re.search(r"(http://\S+/abonnement/gerer/\S+/)", text).group(1)
        assert owner_of_link(manage).address == recipient
        assert f'href="{manage}"' in html
        one_click, mailto = [part.strip().strip("<>") for part in str(message["List-Unsubscribe"]).split(",")]
        assert owner_of_link(one_click).address == recipient and one_click in text and one_click in html
        token = unquote(mailto.split("?subject=", 1)[1]).split(" ", 1)[1]
        assert services.subscription_for_manage_token(token).address == recipient
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        if recipient.startswith("en"):
            assert manage.startswith("http://127.0.0.1:8000/en/")
            assert message["Subject"].startswith("[Seine-Estuaire] New notice: ")
    assert len(message_ids) == 18  # one Message-ID per e-mail, not one per composition


def test_the_composed_e_mail_is_the_e_mail_built_for_that_subscriber(world, settings):
    """Same headers, same text, same HTML as the full build (which remains for other backends
    and unusual addresses): composing changes the cost, not one byte a resident sees."""
    [subscriber] = subscribers(world, 1, language="en")
    notice = world.publish(title="Odeur < 1 h & co")
    revision = notice.revisions.get()
    items = [messages.for_revision(revision, "en")]

    built = email.build_email(subscriber, items).message()
    composed = email.Composed.build(items, "en", {})
    links = email.LinkForms(world.x.slug, "en").of(subscriber)
    from email import message_from_bytes, policy

    filled = message_from_bytes(composed.fill(subscriber.address, links), policy=policy.default)

    assert links.manage == messages.manage_url(subscriber)
    assert links.unsubscribe == messages.unsubscribe_url(subscriber)
    assert links.mailto == messages.unsubscribe_mailto(subscriber)
    reference = message_from_bytes(built.as_bytes(linesep="\r\n"), policy=policy.default)  # as Django sends it
    for header in ("To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "From", "Auto-Submitted"):
        # The same value; only where a long header is folded may differ (both under 998 characters).
        assert str(filled[header]).split() == str(reference[header]).split(), header
    for part in ("plain", "html"):
        assert filled.get_body((part,)).get_content() == reference.get_body((part,)).get_content()


def test_an_address_the_composed_message_cannot_carry_takes_the_full_build(world, smtp, settings):
    commune = world.site_a.neighbouring_communes.first()
    unusual = confirmed(world.x, "email", "o'brien.étienne@example.test", [commune])
    usual = confirmed(world.x, "email", "simple@example.test", [commune])
    world.publish()

    assert send_pending().sent == 2

    assert {r for rcpts, _m in smtp.inbox.messages for r in rcpts} == {unusual.address, usual.address}
    for [recipient], message in smtp.inbox.messages:
        manage = re.search(r"(http://\S+/abonnement/gerer/\S+/)", message.get_body(("plain",)).get_content()).group(1)
        assert owner_of_link(manage).address == recipient


def test_several_connections_send_every_subscriber_the_notice_exactly_once(world, smtp, settings):
    settings.RELAY_EMAIL_CONNECTIONS = 8
    smtp.inbox.delay = 0.02  # a mail server that takes its time: the worker opens more connections
    people = subscribers(world, 300)
    world.publish()

    stats = send_pending(batch_size=70)

    received = [r for rcpts, _m in smtp.inbox.messages for r in rcpts]
    assert smtp.inbox.most_in_flight > 2
    assert stats.sent == 300 and len(received) == 300
    assert set(received) == {p.address for p in people}
    assert Delivery.objects.filter(status=DeliveryStatus.SENT, attempts=1).count() == 300


def test_a_worker_stopped_while_its_connections_send_records_what_left_and_hands_back_the_rest(world, smtp, settings):
    """Whatever several connections had in flight when the stop came is recorded as sent; the
    rest goes back to pending at once, and the next worker sends only that: nobody twice."""
    settings.RELAY_EMAIL_CONNECTIONS = 8
    people = subscribers(world, 200)
    world.publish()

    stats = send_pending(batch_size=200, stop=lambda: len(smtp.inbox.messages) >= 20)

    first = [r for rcpts, _m in smtp.inbox.messages for r in rcpts]
    assert 20 <= len(first) < 200
    assert stats.sent == len(first) == Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, claim_id="").count() == 200 - len(first)

    send_pending()
    received = [r for rcpts, _m in smtp.inbox.messages for r in rcpts]
    assert sorted(received) == sorted(p.address for p in people)  # each exactly once


def test_when_the_mail_server_is_down_every_connection_s_share_waits_for_the_next_attempt(world, smtp, settings):
    settings.RELAY_EMAIL_CONNECTIONS = 4
    subscribers(world, 30)
    world.publish()
    smtp.stop()

    stats = send_pending()

    assert stats.sent == 0 and stats.retried == 30
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=1).count() == 30
    assert "SMTP indisponible" in Delivery.objects.first().last_error
