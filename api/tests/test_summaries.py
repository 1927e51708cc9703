"""The API's "Que dois-je faire ?" line and translated summaries (issue 16)."""
from .test_write_api import patch, payload, post


def test_a_notice_carries_its_what_to_do_line_and_its_summaries(client, world, token_a, bearer):
    created = post(client, "/api/v1/notices", payload(world, category="exercice"), bearer(token_a[1])).json()
    assert created["what_to_do"] == "Rien : c'est un exercice, pas une alerte."
    detail = client.get(f"/api/v1/notices/{created['id']}").json()
    assert set(detail["summaries"]) == {"en", "ar", "es", "pt", "tr"}
    arabic = detail["summaries"]["ar"]
    assert arabic["direction"] == "rtl" and arabic["what_to_do"] == "لا شيء: هذا تمرين وليس إنذارًا."
    assert arabic["category"] == "تمرين أمني" and arabic["site"] == "Raffinerie de Gonfreville"
    english = detail["summaries"]["en"]
    assert english["text"].startswith("What should I do? Nothing: this is a drill, not an alert.")
    assert english["what_to_do_language"] == "en" and english["status"] == "scheduled"
    # The list carries the line, the notice's revisions their snapshot with it.
    listed = client.get(f"/api/v1/territories/{world.x.slug}/notices").json()
    assert any(n["what_to_do"] == created["what_to_do"] for n in listed["results"])
    assert detail["revisions"][0]["snapshot"]["what_to_do"] == created["what_to_do"]


def test_the_operators_own_line_is_kept_french_and_checked(client, world, token_a, bearer):
    created = post(client, "/api/v1/notices", payload(world, what_to_do="Évitez le quai Est ce matin."), bearer(token_a[1])).json()
    detail = client.get(f"/api/v1/notices/{created['id']}").json()
    assert detail["what_to_do"] == "Évitez le quai Est ce matin."
    assert detail["summaries"]["tr"]["what_to_do"] == "Évitez le quai Est ce matin."
    assert detail["summaries"]["tr"]["what_to_do_language"] == "fr"
    refused = patch(client, f"/api/v1/notices/{created['id']}", {"what_to_do": "x" * 201, "change_note": "Ligne"},
                    bearer(token_a[1]))
    assert refused.status_code == 422
    assert "200 caractères au plus" in str(refused.json()["errors"]["what_to_do"])
    assert client.get(f"/api/v1/notices/{created['id']}").json()["what_to_do"] == "Évitez le quai Est ce matin."
