"""Subscribers receive the summary in their language (issue 16): the fixed parts and links in
French for a summary-only language, the structured summary in theirs, what to do first."""
import pytest

from notices.models import Notice
from relay.channels.sms import notice_text
from relay.messages import for_revision
from relay.sender import send_pending
from relay import gsm

from .conftest import confirmed


@pytest.fixture
def reader(world):
    def subscribe(language, address=None):
        return confirmed(world.x, "email", address or f"{language}@example.test", list(world.site_a.neighbouring_communes.all()),
                         language=language)

    return subscribe


@pytest.mark.parametrize("language, direction, words", [
    ("ar", "rtl", ["ماذا عليّ أن أفعل؟", "لا شيء: هذا ليس إنذارًا.", "حرق الغاز في الشعلة"]),
    ("es", "ltr", ["¿Qué debo hacer?", "Nada: no es una alerta.", "Quema en antorcha"]),
    ("pt", "ltr", ["O que devo fazer?", "Nada: não é um alerta.", "Queima na tocha"]),
    ("tr", "ltr", ["Ne yapmalıyım?", "Hiçbir şey yapmanıza gerek yok: bu bir alarm değil.", "Fakelde gaz yakma"]),
])
def test_a_subscriber_reading_another_language_gets_the_summary_in_it(world, smtp, reader, language, direction, words):
    reader(language)
    notice = world.publish(category="torchage")

    assert send_pending().sent == 1

    [message] = smtp.inbox.to(f"{language}@example.test")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for w in words:
        assert w in text and w in html, w
    assert f'<section class="summary" lang="{language}" dir="{direction}"' in html
    # Fixed parts and links are the French pages' (there is no /ar/… site); the link opens the summary.
    assert '<html lang="fr">' in html
    assert f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/?lang={language}" in text
    assert "/ar/" not in text and "/ar/" not in html
    # What to do comes before the operator's text, which stays French.
    assert text.index("Que dois-je faire ?") < text.index(notice.body[:30])


def test_french_and_english_subscribers_get_no_extra_summary(world, smtp, reader):
    reader("fr")
    reader("en")
    world.publish()
    send_pending()
    french = smtp.inbox.to("fr@example.test")[0].get_body(("html",)).get_content()
    english = smtp.inbox.to("en@example.test")[0].get_body(("html",)).get_content()
    assert 'class="summary"' not in french and 'class="summary"' not in english
    assert "Que dois-je faire ?" in french and "Rien : ce n&#x27;est pas une alerte." in french
    assert "What should I do?" in english and "Nothing: this is not an alert." in english


def test_the_summary_escapes_names_in_the_html_email(world, smtp, reader):
    reader("ar")
    world.site_a.name = 'Raffinerie <script>alert("x")</script>'
    world.site_a.save()
    notice = world.publish()
    revision = notice.latest_revision
    revision.snapshot = {**revision.snapshot, "site": {"id": world.site_a.pk, "name": world.site_a.name}}
    revision.save()
    send_pending()
    html = smtp.inbox.to("ar@example.test")[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "Raffinerie &lt;script&gt;" in html


def test_an_sms_says_what_to_do_first_when_the_operator_wrote_it(world):
    notice = world.publish(what_to_do="Fermez vos fenêtres jusqu'à 18 h.")
    text = notice_text(for_revision(notice.latest_revision))
    assert gsm.length(text) <= 160 and text == gsm.to_gsm(text)
    assert text.startswith("Seine-Estuaire - Nouveau message: Fermez vos fenetres jusqu'à 18 h. Torchage")
    assert f"/messages/{notice.pk}/" in text


def test_an_sms_keeps_the_title_before_the_default_line_when_room_is_short(world):
    notice = world.publish(title="Torchage : flamme visible importante lors du redémarrage de l'unité de craquage")
    text = notice_text(for_revision(notice.latest_revision))
    assert gsm.length(text) <= 160 and text.endswith("STOP=desabonnement")
    assert "Torchage : flamme visible" in text
    short = world.publish(title="Flamme")
    assert "Rien : ce n'est pas une alerte. Flamme" in notice_text(for_revision(short.latest_revision))


def test_a_resident_chooses_the_summary_language_when_subscribing(world, client, django_capture_on_commit_callbacks):
    from django.core import mail

    from relay.models import Subscription

    from .test_subscriptions import confirm_link, form

    page = client.get("/seine-estuaire/abonnement/").content.decode()
    assert 'name="summary_language"' in page and "العربية" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/seine-estuaire/abonnement/", form(world, summary_language="tr"))
    send_pending()
    assert Subscription.objects.get().language == "tr"
    # The confirmation link is a French page's (there is no /tr/… site) and it works.
    link = confirm_link(mail.outbox[0])
    assert "/tr/" not in link and client.post(link).status_code == 302
    # An unknown language is refused and subscribes nobody.
    Subscription.objects.all().delete()
    response = client.post("/seine-estuaire/abonnement/", form(world, summary_language="xx"))
    assert response.status_code == 400 and not Subscription.objects.exists()
    assert "Choisissez une langue dans la liste." in response.content.decode()


def test_the_manage_page_changes_the_summary_s_language(world, client, reader):
    from relay.services import manage_token

    subscription = reader("fr", address="lectrice@example.test")
    url = f"/seine-estuaire/abonnement/gerer/{manage_token(subscription)}/"
    page = client.get(url).content.decode()
    assert 'name="summary_language"' in page and "العربية" in page
    communes = [c.pk for c in world.site_a.neighbouring_communes.all()]

    assert client.post(url, {"action": "save", "communes": communes, "summary_language": "ar"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.language == "ar"
    assert '<option value="ar" selected>' in client.get(url).content.decode()

    assert client.post(url, {"action": "save", "communes": communes, "summary_language": ""}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.language == "fr"  # « Non merci »: French alone

    response = client.post(url, {"action": "save", "communes": communes, "summary_language": "xx"})
    assert response.status_code == 400 and "Choisissez une langue dans la liste." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.language == "fr"
