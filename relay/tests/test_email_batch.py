"""E-mail through a provider's batch sending (issue 14): with Mailgun's anymail backend, a
revision's notice goes to many subscribers of one territory and language in one API call, each
subscriber's own links in the call's recipient variables. Against a fake Mailgun API on loopback
that puts each recipient's variables in, as Mailgun does, so the tests read what each subscriber
would receive."""
import base64
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote

import pytest
from anymail.backends import mailgun
from anymail.message import AnymailRecipientStatus
from django.utils import timezone

from relay import messages, services
from relay.models import Delivery, DeliveryStatus
from relay.sender import send_pending

from .conftest import owner_of_link, subscribers
from .loopback import LoopbackServer, json_answer

API_KEY = "key-test-riverains"


class FakeMailgun(LoopbackServer):
    """Mailgun's POST /v3/<domain>/messages: keeps each accepted call, answers `failures` (a list
    of statuses, one per call, popped first) before accepting, and names `rejected` recipients
    in its answer (read by RejectingMailgun below)."""

    def __init__(self):
        self.calls, self.failures, self.rejected = [], [], set()
        super().__init__()

    def respond(self, method, path, headers, body):
        if not re.fullmatch(r"/v3/[^/]+/messages", path):
            return json_answer(404, {"message": "not found"})
        if headers.get("Authorization") != "Basic " + base64.b64encode(f"api:{API_KEY}".encode()).decode():
            return json_answer(401, {"message": "Forbidden"})
        if self.failures:
            return json_answer(self.failures.pop(0), {"message": "Service unavailable"})
        form = parse_qs(body.decode(), keep_blank_values=True)
        self.calls.append(form)
        answer = {"id": f"<{len(self.calls)}@mailgun.test>", "message": "Queued. Thank you."}
        answer["rejected"] = sorted(self.rejected & set(form["to"]))
        return json_answer(200, answer)

    def received(self):
        """What each recipient of the accepted calls would read: {address: [e-mails]}, each
        e-mail the call's fields with that recipient's variables put in, as Mailgun does."""
        inbox = {}
        for form in self.calls:
            variables = json.loads(form["recipient-variables"][0])
            for address in form["to"]:
                own = variables[address]

                def fill(value, own=own):
                    return re.sub(r"%recipient\.([\w:-]+)%", lambda m: own[m.group(1)], value)

                inbox.setdefault(address, []).append({k: fill(v[0]) for k, v in form.items() if k != "to"})
        return inbox


class RejectingMailgun(mailgun.EmailBackend):
    """Mailgun's backend reading per-recipient refusals from the fake's answer, as the backends of
    providers that answer recipient by recipient do (Mailgun itself says so later, by webhook)."""

    def parse_recipient_status(self, response, payload, message):
        statuses = super().parse_recipient_status(response, payload, message)
        for address in response.json()["rejected"]:
            statuses[address] = AnymailRecipientStatus(message_id=None, status="rejected")
        return statuses


@pytest.fixture
def provider(settings):
    fake = FakeMailgun()
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"MAILGUN_API_KEY": API_KEY, "MAILGUN_API_URL": f"{fake.base_url}/v3"}
    settings.RELAY_ESP_BATCH_SIZE = 10
    yield fake
    fake.stop()


def test_one_call_per_batch_carries_each_subscriber_once_with_their_own_links(world, provider):
    people = subscribers(world, 20) + subscribers(world, 5, language="en", prefix="en")
    world.publish(title='Torchage < 5 min & "visible" > 20 km')

    assert send_pending(batch_size=100).sent == 25

    # 20 in French in two calls of 10, 5 in English in a third: one text per call, rendered once.
    assert sorted(len(call["to"]) for call in provider.calls) == [5, 10, 10]
    for call in provider.calls:
        variables = json.loads(call["recipient-variables"][0])
        assert sorted(variables) == sorted(call["to"])
        for address in call["to"]:
            subscription = next(p for p in people if p.address == address)
            assert variables[address] == {
                "manage": messages.manage_url(subscription),
                "unsubscribe": messages.unsubscribe_url(subscription),
                "mailto": messages.unsubscribe_mailto(subscription),
            }
    inbox = provider.received()
    assert sorted(inbox) == sorted(p.address for p in people)
    for address, [mail] in inbox.items():  # each subscriber exactly once
        manage = re.search(r"(http://\S+/abonnement/gerer/\S+/)", mail["text"]).group(1)
        assert owner_of_link(manage).address == address
        assert f'href="{manage}"' in mail["html"]
        one_click, mailto = [part.strip().strip("<>") for part in mail["h:List-Unsubscribe"].split(",")]
        assert owner_of_link(one_click).address == address and one_click in mail["text"]
        token = unquote(mailto.split("?subject=", 1)[1]).split(" ", 1)[1]
        assert services.subscription_for_manage_token(token).address == address
        assert mail["h:List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # The operator's words: as written in the text, escaped in the HTML.
        assert 'Torchage < 5 min & "visible" > 20 km' in mail["text"]
        assert "Torchage &lt; 5 min &amp; &quot;visible&quot; &gt; 20 km" in mail["html"]
        if address.startswith("en"):
            assert manage.startswith("http://127.0.0.1:8000/en/")
            assert mail["subject"].startswith("[Seine-Estuaire] New notice: ")
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_failed_call_retries_its_whole_batch_and_only_it(world, provider, settings):
    settings.RELAY_EMAIL_CONNECTIONS = 1  # the first call is the first batch
    people = subscribers(world, 25)
    provider.failures = [503]
    world.publish()

    first = send_pending(batch_size=100)

    assert (first.sent, first.retried) == (15, 10)
    waiting = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    assert waiting.count() == 10 and {d.last_error for d in waiting} == {"fournisseur 503 : AnymailRequestsAPIError"}
    assert send_pending(now=timezone.now() + timedelta(days=1)).sent == 10
    inbox = provider.received()
    assert sorted(inbox) == sorted(p.address for p in people)
    assert all(len(mails) == 1 for mails in inbox.values())


def test_a_recipient_the_provider_refuses_fails_alone(world, provider, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RejectingMailgun"
    subscribers(world, 12)
    provider.rejected = {"r3@example.test"}
    world.publish()

    stats = send_pending(batch_size=100)

    assert (stats.sent, stats.failed, stats.retried) == (11, 1, 0)
    [refused] = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    assert refused.subscription.address == "r3@example.test"
    assert refused.last_error == "adresse refusée par le fournisseur : rejected"
    assert len(provider.calls) == 2  # sent in its batch, not on its own


def test_a_notice_whose_text_holds_a_merge_field_goes_one_by_one_as_written(world, provider):
    subscribers(world, 3)
    world.publish(title="Essai %recipient.manage% du texte")

    assert send_pending(batch_size=100).sent == 3

    assert [len(call["to"]) for call in provider.calls] == [1, 1, 1]
    assert all("%recipient.manage%" in call["text"][0] for call in provider.calls)
