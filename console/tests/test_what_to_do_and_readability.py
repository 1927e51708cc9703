"""The console's "Que dois-je faire ?" field and the preview's readability suggestions (issue 16)."""
import pytest
from django.urls import reverse

from notices.models import Notice

from .notice_data import notice_post, ongoing_notice, revision_post


@pytest.fixture
def operator(client, world):
    client.force_login(world.operator_a)
    return client


def test_a_new_notice_form_proposes_its_categorys_line(operator, world):
    url = reverse("console:notice_create") + f"?site={world.site_a.pk}&categorie=essai_sirene"
    html = operator.get(url).content.decode()
    assert 'name="what_to_do"' in html
    assert "Rien : c&#x27;est un essai. Si la sirène sonne à un autre moment, mettez-vous à l&#x27;abri." in html


def test_the_operator_writes_its_own_line_or_gets_the_default(operator, world):
    operator.post(reverse("console:notice_create"), notice_post(world, what_to_do="Évitez la route du port ce matin."))
    operator.post(reverse("console:notice_create"), notice_post(world, title="Deuxième", what_to_do=""))
    default, own = Notice.objects.get(title="Deuxième"), Notice.objects.exclude(title="Deuxième").get()
    assert own.what_to_do == "Évitez la route du port ce matin."
    assert default.what_to_do == "Rien : ce n'est pas une alerte."


def test_an_update_changes_the_line_publicly(operator, world):
    notice = ongoing_notice(world)
    operator.post(reverse("console:notice_update", args=[notice.pk]),
                  revision_post(notice, what_to_do="Fermez vos fenêtres jusqu'à 18 h."))
    notice.refresh_from_db()
    assert notice.what_to_do == "Fermez vos fenêtres jusqu'à 18 h."
    assert notice.revisions.order_by("-number").first().snapshot["what_to_do"] == "Fermez vos fenêtres jusqu'à 18 h."


def test_the_preview_suggests_plainer_words_and_never_blocks(operator, world):
    body = ("Un dégazage de la torchère peut libérer du H2S et des COV. "
            "Les équipes de maintenance de l'unité de désulfuration interviennent depuis ce matin sur la soupape "
            "principale qui fuit légèrement au niveau de la bride du collecteur nord du site.")
    html = operator.post(reverse("console:notice_create"), notice_post(world, action="preview", body=body)).content.decode()
    assert "Lisibilité du texte" in html and "Elles ne bloquent pas la publication." in html
    for words in ["« torchère » : expliquez-le", "la torche : une haute cheminée où brûle une flamme",
                  "« H₂S »", "un gaz qui sent l&#x27;œuf pourri", "« COV »", "« soupape »",
                  "Une phrase de 29 mots (« Les équipes de maintenance de l&#x27;unité… »)",
                  "« désulfuration »"]:
        assert words in html, words
    # Publishing the same text works: suggestions are advice.
    response = operator.post(reverse("console:notice_create"), notice_post(world, body=body))
    assert response.status_code == 302 and Notice.objects.get().body == body


def test_a_plain_text_gets_no_suggestion(operator, world):
    html = operator.post(reverse("console:notice_create"),
                         notice_post(world, action="preview", title="Flamme visible", body="Une flamme est visible. Elle est normale.",
                                     impact="")).content.decode()
    assert "Aucune suggestion" in html


def test_the_preview_escapes_the_text_it_quotes(operator, world):
    body = "<b Un texte très long qui contient beaucoup de mots pour dépasser largement la limite de vingt mots par phrase ici."
    html = operator.post(reverse("console:notice_create"), notice_post(world, action="preview", body=body.replace("<b", "< b"))).content.decode()
    assert "&lt; b Un texte" in html
