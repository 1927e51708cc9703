"""The accessibility report form is limited per network address, like every public form."""
from public.models import AccessibilityFeedback

from .helpers import text

URL = "/accessibilite/"


def report(client, n, address="203.0.113.5"):
    return client.post(URL, {"message": f"Le bouton {n} ne se lit pas au lecteur d'écran.", "website": ""},
                       REMOTE_ADDR=address)


def test_five_reports_an_hour_per_network_address_then_a_french_message(db, client):
    assert [report(client, n).status_code for n in range(5)] == [302] * 5
    response = report(client, 6)
    assert response.status_code == 429
    assert "Plusieurs signalements ont déjà été envoyés depuis votre connexion dans l&#x27;heure" in text(response)
    assert "Le bouton 6 ne se lit pas" in text(response)  # what was typed is kept, to send later
    assert AccessibilityFeedback.objects.count() == 5
    # Someone else, elsewhere, is not held back.
    assert report(client, 7, address="198.51.100.9").status_code == 302


def test_a_form_with_mistakes_does_not_count(db, client):
    for _ in range(6):
        assert client.post(URL, {"message": "  ", "website": ""}, REMOTE_ADDR="203.0.113.5").status_code == 400
    assert report(client, 1).status_code == 302
