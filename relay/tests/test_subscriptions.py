import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relay.models import Delivery, Subscription
from relay.sender import send_pending


def form(world, **overrides):
    data = {
        "channel": "email",
        "address": "Riveraine@Example.test",
        "communes": [c.pk for c in world.site_a.neighbouring_communes.all()[:1]],
        "digest": "immediate",
        "website": "",
    }
    data.update(overrides)
    return data


def confirm_link(message):
    return re.search(r"http://127\.0\.0\.1:8000(/\S+/abonnement/confirmer/\S+/)", message.body).group(1)


def test_nothing_is_sent_before_the_email_is_confirmed(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/seine-estuaire/abonnement/", form(world))
    assert response.status_code == 302 and response["Location"] == "/seine-estuaire/abonnement/envoye/"
    assert not mail.outbox  # queued in the outbox, not sent from the request
    assert send_pending().sent == 1
    subscription = Subscription.objects.get()
    assert subscription.address == "riveraine@example.test" and not subscription.is_confirmed
    [confirmation] = mail.outbox
    assert confirmation.to == ["riveraine@example.test"]
    link = confirm_link(confirmation)
    assert subscription.confirmation_hash and link.split("/")[-2] not in subscription.confirmation_hash

    world.publish()
    assert not Delivery.objects.filter(kind="notice").exists()

    assert client.get(link).status_code == 200  # a link scanner's GET confirms nothing
    assert not Subscription.objects.get().is_confirmed
    response = client.post(link)
    assert response.status_code == 302 and "/abonnement/gerer/" in response["Location"]
    assert Subscription.objects.get().is_confirmed

    world.publish()
    assert Delivery.objects.filter(kind="notice").count() == 1


def test_a_forged_confirmation_link_is_refused_in_french(world, client):
    response = client.post("/seine-estuaire/abonnement/confirmer/abc:def/")
    assert response.status_code == 400
    assert "pas valide ou a expiré" in response.content.decode()


def test_an_sms_subscription_is_confirmed_with_the_code(world, client, kannel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/seine-estuaire/abonnement/", form(world, channel="sms", address="06 12 34 56 78"))
    assert response.status_code == 302
    send_pending()
    code_page = response["Location"]
    [sms] = kannel.received
    assert sms["to"] == "+33612345678"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)

    wrong = "000000" if code != "000000" else "111111"
    response = client.post(code_page, {"code": wrong})
    assert response.status_code == 400 and "ne correspond pas" in response.content.decode()
    assert not Subscription.objects.get().is_confirmed

    response = client.post(code_page, {"code": code})
    assert response.status_code == 302
    assert Subscription.objects.get().is_confirmed


def test_the_code_stops_working_after_a_few_wrong_tries(world, client, kannel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code_page = client.post("/seine-estuaire/abonnement/", form(world, channel="sms", address="0612345678"))["Location"]
    send_pending()
    code = re.search(r"\b(\d{6})\b", kannel.received[0]["text"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(code_page, {"code": wrong})
    response = client.post(code_page, {"code": code})
    assert "plus valable" in response.content.decode()
    assert not Subscription.objects.get().is_confirmed


def test_one_address_gets_at_most_three_confirmation_messages_a_day(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post("/seine-estuaire/abonnement/", form(world)).status_code == 302
        response = client.post("/seine-estuaire/abonnement/", form(world))
    assert response.status_code == 400
    assert "Trop de messages de confirmation" in response.content.decode()
    send_pending()
    assert len(mail.outbox) == 3


def test_the_form_is_limited_per_network_address(world, client, settings):
    settings.RELAY_FORM_POSTS_PER_HOUR = 2
    for i in range(2):
        client.post("/seine-estuaire/abonnement/", form(world, address=f"r{i}@example.test"))
    response = client.post("/seine-estuaire/abonnement/", form(world, address="r9@example.test"))
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert not Subscription.objects.filter(address="r9@example.test").exists()


def test_a_bot_filling_the_honeypot_subscribes_nobody(world, client):
    response = client.post("/seine-estuaire/abonnement/", form(world, website="http://spam.example"))
    assert response.status_code == 302
    assert not Subscription.objects.exists() and not mail.outbox


@pytest.mark.parametrize("overrides, message", [
    ({"address": "pas-une-adresse"}, "adresse e-mail valide"),
    ({"channel": "sms", "address": "01 23"}, "numéro de téléphone mobile"),
    ({"communes": []}, "au moins une commune"),
    ({"communes": ["13056"]}, "Choisissez des communes de la liste"),  # Martigues: another territory
    ({"channel": "fax"}, "moyen de recevoir"),
])
def test_bad_input_gets_a_french_message_and_changes_nothing(world, client, overrides, message):
    response = client.post("/seine-estuaire/abonnement/", form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


def test_subscribing_a_confirmed_address_again_changes_nothing_and_reveals_nothing(
    world, client, django_capture_on_commit_callbacks
):
    subscription = Subscription.objects.create(
        territory=world.x, channel="email", address="riveraine@example.test", confirmed_at=timezone.now(), manage_nonce="n"
    )
    subscription.communes.set(world.site_a.neighbouring_communes.all())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/seine-estuaire/abonnement/", form(world, communes=["76476"]))
    assert response["Location"] == "/seine-estuaire/abonnement/envoye/"
    send_pending()
    assert set(subscription.communes.values_list("pk", flat=True)) == set(
        world.site_a.neighbouring_communes.values_list("pk", flat=True)
    )
    [message] = mail.outbox
    assert "déjà abonnée" in message.body and "/abonnement/gerer/" in message.body


def test_the_manage_link_changes_preferences_and_unsubscribing_deletes_the_data(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/seine-estuaire/abonnement/", form(world))
    send_pending()
    client.post(confirm_link(mail.outbox[0]))
    subscription = Subscription.objects.get()
    from relay.services import manage_token

    url = f"/seine-estuaire/abonnement/gerer/{manage_token(subscription)}/"
    page = client.get(url).content.decode()
    assert "riveraine@example.test" not in page and "r…@example.test" in page

    response = client.post(url, {"action": "save", "communes": ["76476"], "categories": ["bruit"], "digest": "daily"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert list(subscription.communes.values_list("pk", flat=True)) == ["76476"]
    assert subscription.category_list == ["bruit"] and subscription.digest == "daily"

    response = client.post(url, {"action": "unsubscribe"})
    assert response.status_code == 302
    assert not Subscription.objects.exists()
    assert not Subscription.communes.through.objects.exists()
    assert client.get(url).status_code == 404  # the link dies with the data


def test_unconfirmed_addresses_are_deleted_after_a_few_days(world, settings):
    settings.RELAY_UNCONFIRMED_DAYS = 3
    old = Subscription.objects.create(territory=world.x, channel="email", address="old@example.test", manage_nonce="n")
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    Subscription.objects.create(territory=world.x, channel="email", address="new@example.test", manage_nonce="n")
    Subscription.objects.create(territory=world.x, channel="email", address="ok@example.test", manage_nonce="n",
                                confirmed_at=timezone.now())
    Subscription.objects.filter(address="ok@example.test").update(created_at=timezone.now() - timedelta(days=30))

    call_command("purge_unconfirmed")

    assert set(Subscription.objects.values_list("address", flat=True)) == {"new@example.test", "ok@example.test"}


def test_a_confirmation_leaves_before_a_fan_out_queued_earlier(world, client):
    """One sending path (the relay's sender, run_relay in production) and priorities: someone
    waiting for their link is not kept behind thousands of notices."""
    commune = world.site_a.neighbouring_communes.first()
    for i in range(30):
        subscription = Subscription.objects.create(territory=world.x, channel="email", address=f"r{i}@example.test",
                                                   confirmed_at=timezone.now(), manage_nonce="n")
        subscription.communes.set([commune])
    world.publish()
    assert not mail.outbox  # publishing sends nothing itself
    client.post("/seine-estuaire/abonnement/", form(world))

    assert send_pending(batch_size=10, limit=10).sent == 10

    assert mail.outbox[0].to == ["riveraine@example.test"]
    assert "Confirmer votre abonnement" in mail.outbox[0].subject
    assert send_pending().sent == 21


def test_the_subscribe_page_lists_the_territory_s_communes_with_postcodes(world, client):
    page = client.get("/seine-estuaire/abonnement/").content.decode()
    assert "Le Havre (76600, 76610, 76620)" in page or "Le Havre (76" in page
    assert "Martigues" not in page
    assert "<script>" not in page and 'style="' not in page
    assert client.get("/territoire-inconnu/abonnement/").status_code == 404


def test_a_resident_subscribing_in_english_gets_english_messages_linking_to_the_english_pages(
    world, client, smtp, django_capture_on_commit_callbacks
):
    neighbour = Subscription.objects.create(
        territory=world.x, channel="email", address="voisine@example.test", confirmed_at=timezone.now(), manage_nonce="n"
    )
    neighbour.communes.set(world.site_a.neighbouring_communes.all())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/seine-estuaire/abonnement/", form(world))
    assert response["Location"] == "/en/seine-estuaire/abonnement/envoye/"
    send_pending()
    assert Subscription.objects.get(address="riveraine@example.test").language == "en"
    assert Subscription.objects.get(address="voisine@example.test").language == "fr"  # the default

    # The confirmation, over real SMTP: English, with a link to the English confirmation page.
    [confirmation] = smtp.inbox.to("riveraine@example.test")
    assert confirmation["Subject"].strip() == "[Seine-Estuaire] Confirm your subscription"
    body = confirmation.get_content()
    assert body.startswith("Hello,") and "Bonjour" not in body
    link = re.search(r"http://127\.0\.0\.1:8000(/en/seine-estuaire/abonnement/confirmer/\S+/)", body).group(1)
    response = client.post(link)
    assert response["Location"].startswith("/en/seine-estuaire/abonnement/gerer/")

    notice = world.publish()
    assert send_pending().sent == 2

    # The notice: fixed parts in English, the operator's words as written, in French.
    english = smtp.inbox.to("riveraine@example.test")[-1]
    assert english["Subject"].strip() == "[Seine-Estuaire] New notice: Torchage sur l'unité de distillation"
    text = english.get_body(("plain",)).get_content()
    starts = timezone.localtime(notice.starts_at)
    for line in [
        "New notice — Seine-Estuaire",
        "Flaring · Raffinerie de Gonfreville",
        "Une flamme sera visible au-dessus de la torche pendant le redémarrage de l'unité.",
        f"Start: {starts:%A} {starts.day} {starts:%B} {starts.year} at {starts:%H:%M}",
        "(Paris time)",
        f"The notice on the website: http://127.0.0.1:8000/en/seine-estuaire/messages/{notice.pk}/",
        "Manage your subscription: http://127.0.0.1:8000/en/seine-estuaire/abonnement/gerer/",
        "Unsubscribe: http://127.0.0.1:8000/relais/desabonnement/",  # one-click: no language prefix
    ]:
        assert line in text
    assert "Début" not in text and "Gérer" not in text
    html = english.get_body(("html",)).get_content()
    assert '<html lang="en">' in html
    assert '<h1 lang="fr">Torchage sur l&#x27;unité de distillation</h1>' in html
    assert '<p lang="fr">Une flamme sera visible' in html
    assert f'href="http://127.0.0.1:8000/en/seine-estuaire/messages/{notice.pk}/"' in html

    # The neighbour who subscribed in French still gets French.
    [french] = smtp.inbox.to("voisine@example.test")
    assert french["Subject"].strip() == "[Seine-Estuaire] Nouveau message : Torchage sur l'unité de distillation"
    text = french.get_body(("plain",)).get_content()
    assert "Début : " in text and "(heures de Paris)" in text and "Gérer votre abonnement : " in text
    assert f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/" in text and "/en/" not in text
    html = french.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and "<h1>Torchage sur l&#x27;unité de distillation</h1>" in html

    # Subscribing that address again, even from the French page, changes nothing, language included.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/seine-estuaire/abonnement/", form(world))
    send_pending()
    already = smtp.inbox.to("riveraine@example.test")[-1]
    assert already["Subject"].strip() == "[Seine-Estuaire] Your subscription"
    assert "already subscribed" in already.get_content()
    assert "http://127.0.0.1:8000/en/seine-estuaire/abonnement/gerer/" in already.get_content()
    assert Subscription.objects.get(address="riveraine@example.test").language == "en"


def test_an_sms_subscription_from_the_english_page_gets_its_code_in_english(
    world, client, kannel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/seine-estuaire/abonnement/", form(world, channel="sms", address="06 12 34 56 78"))
    assert response["Location"].startswith("/en/seine-estuaire/abonnement/code/")
    send_pending()
    [sms] = kannel.received
    assert re.fullmatch(r"Seine-Estuaire: your confirmation code is \d{6}\. It is valid for 24 hours\.", sms["text"])
    assert Subscription.objects.get().language == "en"


def test_other_callers_subscribe_in_french_and_an_unknown_language_falls_back_to_french(world):
    from relay import services

    communes = list(world.site_a.neighbouring_communes.all()[:1])
    assert services.subscribe(world.x, "email", "a@example.test", communes).language == "fr"
    assert services.subscribe(world.x, "email", "b@example.test", communes, language="de").language == "fr"
    assert services.subscribe(world.x, "email", "c@example.test", communes, language="en").language == "en"
