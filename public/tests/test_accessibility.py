from public.models import AccessibilityFeedback

from .helpers import text

URL = "/accessibilite/"


def test_the_statement_follows_the_rgaa_model(db, client):
    html = text(client.get(URL))
    for heading in ["État de conformité", "Résultats des tests", "Contenus non accessibles",
                    "Établissement de cette déclaration", "Environnement de test",
                    "Retour d&#x27;information et contact", "Voies de recours"]:
        assert heading in html or heading.replace("&#x27;", "'") in html, heading
    assert "<strong>partiellement conforme</strong>" in html
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html


def test_it_lists_each_territorys_compliance_status(world, client):
    world.y.accessibility_status = "non_conforme"
    world.y.save()
    html = text(client.get(URL))
    assert "Seine-Estuaire</a></th><td>partiellement conforme" in html
    assert "Étang de Berre</a></th><td>non conforme" in html


def test_a_report_is_stored_and_acknowledged(db, client):
    response = client.post(URL, {"message": "Le bouton de la carte n'est pas lisible.", "page": "/seine-estuaire/",
                                 "email": "riverain@example.test", "website": ""})
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "Le bouton de la carte n'est pas lisible."
    assert feedback.page == "/seine-estuaire/" and feedback.email == "riverain@example.test"
    assert "votre signalement a bien été reçu" in text(client.get(response["Location"]))


def test_the_honeypot_refuses_robots_and_stores_nothing(db, client):
    response = client.post(URL, {"message": "<script>spam</script>", "website": "http://spam.example"})
    assert response.status_code == 400
    assert "Ce champ doit rester vide." in text(response)
    assert "&lt;script&gt;spam&lt;/script&gt;" in text(response) and "<script>spam" not in text(response)
    assert not AccessibilityFeedback.objects.exists()


def test_a_too_long_or_empty_report_gets_a_french_error_and_stores_nothing(db, client):
    too_long = client.post(URL, {"message": "x" * 2001})
    assert too_long.status_code == 400
    assert "au plus 2000 caractères" in text(too_long)
    empty = client.post(URL, {"message": "   "})
    assert "Ce champ est obligatoire." in text(empty) or "Décrivez le problème rencontré." in text(empty)
    bad_email = client.post(URL, {"message": "Texte", "email": "pas-une-adresse"})
    assert "Saisissez une adresse de courriel valide." in text(bad_email)
    assert not AccessibilityFeedback.objects.exists()


def test_the_form_is_labelled_and_protected_against_forgery(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(URL)
    assert "csrftoken" in page.cookies  # the only public page with a cookie: it holds a form
    assert '<label for="id_message">' in text(page)
    assert strict.post(URL, {"message": "Texte"}).status_code == 403
    assert not AccessibilityFeedback.objects.exists()
