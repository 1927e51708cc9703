"""The demo delivers, visibly: the catcher (real SMTP, Kannel's sendsms, web push decrypted with the
demo browser's key, webhooks) behind the relay's sender, and the console's demo inbox showing what
residents and staff would receive, with links that work. Development only."""
import re
import socket
import subprocess
import sys

import pytest
from django.urls import reverse

from demo.catcher import KANNEL_PASSWORD, KANNEL_USER, Catcher, ensure_demo_recipients
from relay.models import Subscription
from relay.sender import send_pending
from riverains.tests.test_deploy import ROOT, production_env

INBOX = "/console/demo/boite-de-reception/"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def catcher(settings, tmp_path):
    """What bin/demo starts, pointed at as demo_inbox_env points the demo's processes."""
    running = Catcher(tmp_path / "inbox", free_port(), free_port())
    settings.DEMO_INBOX_DIR = running.directory
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", running.smtp_port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SMS_BACKEND = "kannel"
    settings.KANNEL_URL = f"{running.http_url}/cgi-bin/sendsms"
    settings.KANNEL_USER, settings.KANNEL_PASSWORD = KANNEL_USER, KANNEL_PASSWORD
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = running.keys.vapid_private, running.keys.vapid_public
    running.start()
    yield running
    running.stop()


def subscribe(client, world, **fields):
    communes = [c.pk for c in world.site_a.neighbouring_communes.all()[:1]]
    data = {"channel": "email", "address": "riveraine@example.test", "communes": communes, "digest": "immediate",
            "website": "", **fields}
    return client.post("/seine-estuaire/abonnement/", data)


def inbox_page(client):
    return client.get(INBOX).content.decode()


def letter_urls(page):
    return re.findall(r'href="(/console/demo/boite-de-reception/[^/"]+/)"', page)


def test_a_resident_subscribes_confirms_from_the_inbox_and_the_next_notice_arrives_there(world, client, catcher):
    assert subscribe(client, world).status_code == 302
    assert send_pending().sent == 1  # the relay's sender, as run_relay does in the demo

    client.force_login(world.coordinator_x)
    page = inbox_page(client)
    assert "Boîte de réception de la démo" in page and "Confirmer votre abonnement" in page
    assert "riveraine@example.test" in page
    letter = client.get(letter_urls(page)[0]).content.decode()
    confirm = re.search(r'href="http://127\.0\.0\.1:8000(/seine-estuaire/abonnement/confirmer/[^"]+/)"', letter).group(1)

    assert client.post(confirm).status_code == 302  # the link, followed, confirms
    assert Subscription.objects.get(address="riveraine@example.test").is_confirmed

    world.publish()
    assert send_pending().sent == 1
    page = inbox_page(client)
    assert "[Seine-Estuaire] Nouveau message : Torchage sur l&#x27;unité de distillation" in page
    letter = client.get(letter_urls(page)[0]).content.decode()
    # As the recipient sees it: the HTML in a sandboxed frame, the one-click unsubscribe of the
    # mail client, the manage link, the List-Id.
    frame = re.search(r'<iframe[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"[^>]*src="([^"]+)"', letter)
    assert frame, letter
    assert "seine-estuaire.localhost" in letter  # List-Id
    manage = re.search(r'href="http://127\.0\.0\.1:8000(/seine-estuaire/abonnement/gerer/[^"]+/)"', letter).group(1)
    assert client.get(manage).status_code == 200
    one_click = re.search(r'<form method="post" action="http://127\.0\.0\.1:8000(/relais/desabonnement/[^"]+/)"', letter).group(1)

    html = client.get(frame.group(1))
    assert html.status_code == 200 and "Torchage sur l&#x27;unité de distillation" in html.content.decode()
    assert html.content.decode().lower().startswith("<!doctype html>")
    assert '<head><base target="_blank">' in html.content.decode()  # links open outside the sandbox
    assert "sandbox allow-popups" in html["Content-Security-Policy"] and "script-src" not in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"

    assert client.post(one_click, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.filter(address="riveraine@example.test").exists()


def test_sms_push_and_webhooks_arrive_in_the_inbox_as_received(world, client, catcher):
    world.x.is_demo = True
    world.x.save()
    ensure_demo_recipients(catcher.http_url, catcher.keys)  # the demo browser and partner
    subscribe(client, world, channel="sms", address="06 12 34 56 78")
    send_pending()
    world.publish(immediate=True, title="Odeur de soufre en cours")

    assert send_pending().sent == 2  # push and webhook

    client.force_login(world.superuser)
    page = inbox_page(client)
    urls = dict(zip(re.findall(r'demo-inbox__channel--(\w+)"', page), letter_urls(page)))
    assert set(urls) == {"sms", "push", "webhook"}
    sms = client.get(urls["sms"]).content.decode()
    assert "+33612345678" in sms and re.search(r"Seine-Estuaire : votre code de confirmation est \d{6}", sms)
    push = client.get(urls["push"]).content.decode()
    assert "Seine-Estuaire — Nouveau message" in push and "Odeur de soufre en cours" in push  # decrypted
    assert "high" in push  # Urgency of an immediate notice
    hook = client.get(urls["webhook"]).content.decode()
    assert "notice.published" in hook and "v1," in hook  # the signed JSON call


def test_an_sms_keyword_sent_from_the_inbox_is_answered_in_the_inbox(world, client, catcher, settings):
    settings.SMS_INBOUND_NUMBER = "06 39 98 00 00"  # what bin/demo sets
    world.publish(title="Torchage visible depuis le Havre", communes=[world.site_a.commune])
    client.force_login(world.coordinator_x)
    page = inbox_page(client)
    assert "Envoyer un SMS au 06 39 98 00 00" in page

    text = "info gonfreville"  # as typed on a phone: lower case, no accent, the name's first word
    response = client.post(reverse("console:demo_inbox_sms"), {"phone": "+33 6 12 34 56 78", "text": text}, follow=True)
    assert "La réponse arrive ici" in response.content.decode()
    send_pending()

    page = inbox_page(client)
    urls = dict(zip(re.findall(r'demo-inbox__channel--(\w+)"', page), letter_urls(page)))
    answer = client.get(urls["sms"]).content.decode()
    assert "+33612345678" in answer and "Torchage visible depuis le Havre" in answer

    response = client.post(reverse("console:demo_inbox_sms"), {"text": "  "}, follow=True)
    assert "Écrivez le texte du SMS" in response.content.decode()


def test_invitations_and_password_resets_arrive_in_the_inbox(world, client, catcher):
    client.force_login(world.coordinator_x)
    client.post(reverse("console:invite", args=[world.x.slug]),
                {"email": "nouvelle@example.test", "role": "operator", "organization": world.org_a.pk})
    client.logout()
    client.post(reverse("console:password_reset"), {"email": "operator_a@example.test"})
    assert send_pending().sent == 2

    client.force_login(world.coordinator_x)
    page = inbox_page(client)
    assert "Invitation à publier sur Riverains" in page and "Riverains : choisir un nouveau mot de passe" in page
    invitation = client.get(letter_urls(page)[-1]).content.decode()
    link = re.search(r'href="http://127\.0\.0\.1:8000(/console/invitation/[^"]+/)"', invitation).group(1)
    client.logout()
    assert client.get(link).status_code == 200


def test_only_superusers_and_coordinators_open_the_inbox(world, client, catcher):
    client.force_login(world.operator_a)
    assert client.get(INBOX).status_code == 404
    client.force_login(world.coordinator_y)
    assert client.get(INBOX).status_code == 200
    client.logout()
    assert client.get(INBOX).status_code == 302  # to the console's login


def test_the_inbox_does_not_exist_in_production():
    """Not even routed: production settings (no RIVERAINS_DEV) resolve no demo URL, and the
    catcher's commands refuse to start."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/console/demo/boite-de-reception/')\nexcept Resolver404:\n    print('not routed')\n"
        "print('dir=' + repr(settings.DEMO_INBOX_DIR))\n"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="riverains.settings", DEMO_INBOX_DIR="/tmp/somewhere")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "not routed" in result.stdout and "dir=''" in result.stdout
    for command in ("run_demo_catcher", "demo_inbox_env"):
        result = subprocess.run([sys.executable, "manage.py", command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode != 0 and "only in development" in result.stderr


def test_a_resident_of_a_demo_territory_is_pointed_at_the_inbox_after_subscribing(world, client):
    """In the demo nothing leaves for real: the page that says « vérifiez votre boîte de
    réception » says where the e-mail is (the URL exists in development settings only)."""
    sent = reverse("relay:sent", args=[world.x.slug])
    assert INBOX not in client.get(sent).content.decode()
    world.x.is_demo = True
    world.x.save()
    page = client.get(sent).content.decode()
    assert f'href="{INBOX}"' in page and "boîte de réception de la démo" in page
