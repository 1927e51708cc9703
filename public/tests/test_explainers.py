import importlib

from django.apps import apps

from notices.models import Category, Explainer

from .helpers import text

explainers_migration = importlib.import_module("notices.migrations.0002_explainers")

EXPECTED = ["torchage", "vapeur-ou-fumee", "essai-de-sirene", "odeurs", "bruits", "exercices", "arrets-et-redemarrages"]


def test_the_migration_ships_the_first_explainers_linked_to_real_categories(db):
    assert set(EXPECTED) <= set(Explainer.objects.values_list("slug", flat=True))
    for explainer in Explainer.objects.filter(slug__in=EXPECTED):
        assert explainer.categories and set(explainer.categories) <= set(Category.values), explainer.slug
        assert len(explainer.paragraphs) >= 3, explainer.slug
        assert len(explainer.summary) <= 300 and len(explainer.title) <= 160


def test_every_noticeable_category_has_an_explainer(db):
    covered = {c for e in Explainer.objects.all() for c in e.categories}
    expected = {Category.FLARING, Category.STEAM, Category.ODOUR, Category.NOISE, Category.DRILL,
                Category.SIREN_TEST, Category.MAINTENANCE}
    assert expected <= covered


def test_the_migration_can_run_again_and_restores_the_shipped_text(db):
    Explainer.objects.filter(slug="torchage").update(title="Titre abîmé")
    count = Explainer.objects.count()
    explainers_migration.create_explainers(apps, None)
    assert Explainer.objects.count() == count
    assert Explainer.objects.get(slug="torchage").title == "Qu'est-ce qu'un torchage ?"


def test_the_siren_explainer_gives_the_monthly_test_time(db):
    body = Explainer.objects.get(slug="essai-de-sirene").body
    assert "premier mercredi de chaque mois à midi" in body
    assert "1 minute et 41 secondes" in body


def test_explainer_pages_list_and_show_them(db, client):
    listing = text(client.get("/comprendre/"))
    assert '<a href="/comprendre/torchage/">Qu&#x27;est-ce qu&#x27;un torchage ?</a>' in listing
    page = client.get("/comprendre/odeurs/")
    assert page.status_code == 200
    assert "<h1>Pourquoi sent-on des odeurs industrielles ?</h1>" in text(page)
    assert text(page).count("<p>") >= 4
    assert 'href="/comprendre/torchage/"' in text(page)  # the other explainers
    assert client.get("/comprendre/inconnu/").status_code == 404


def test_explainer_text_is_escaped(db, client):
    Explainer.objects.create(slug="essai", title="A & <b>", summary="x", body="<script>y</script>")
    html = text(client.get("/comprendre/essai/"))
    assert "A &amp; &lt;b&gt;" in html and "&lt;script&gt;y&lt;/script&gt;" in html
