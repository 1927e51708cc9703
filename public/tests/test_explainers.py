import importlib

from django.apps import apps
from django.test import override_settings

from notices.models import Category, Explainer

from .helpers import ongoing, text

explainers_migration = importlib.import_module("notices.migrations.0002_explainers")
english_migration = importlib.import_module("notices.migrations.0004_explainers_english")

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


def main(response):
    """The page's own content, without the header's language switch (which is lang="fr")."""
    html = text(response)
    return html[html.index("<main") : html.index("</main>")]


def test_the_migration_ships_every_explainer_in_english_paragraph_for_paragraph(db):
    for explainer in Explainer.objects.filter(slug__in=EXPECTED):
        assert explainer.title_en and explainer.summary_en, explainer.slug
        english = explainer.body_en.split("\n\n")
        assert len(english) == len(explainer.paragraphs), explainer.slug
        assert len(explainer.summary_en) <= 300 and len(explainer.title_en) <= 160


def test_the_english_migration_can_run_again_and_does_not_bring_back_a_deleted_explainer(db):
    Explainer.objects.filter(slug="torchage").update(title_en="Damaged title")
    Explainer.objects.filter(slug="bruits").delete()
    english_migration.add_english(apps, None)
    assert Explainer.objects.get(slug="torchage").title_en == "What is flaring?"
    assert not Explainer.objects.filter(slug="bruits").exists()


def test_the_english_page_is_in_english_and_not_marked_french(db, client):
    page = main(client.get("/en/comprendre/torchage/"))
    assert "<h1>What is flaring?</h1>" in page
    assert "<p>A flare is a tall stack with a pilot flame" in page
    assert "<p>Air quality measurements for your area" in page  # the last paragraph too
    assert "torchage ?" not in page
    assert 'lang="fr"' not in page
    assert '<a href="/en/comprendre/bruits/">Where do sudden noises come from?</a>' in page  # the other explainers
    listing = main(client.get("/en/comprendre/"))
    assert '<a href="/en/comprendre/essai-de-sirene/">Why are sirens tested?</a>' in listing
    assert "<p>On the first Wednesday of every month at noon" in listing
    assert 'lang="fr"' not in listing


def test_the_french_page_stays_in_french(db, client):
    page = main(client.get("/comprendre/torchage/"))
    assert "<h1>Qu&#x27;est-ce qu&#x27;un torchage ?</h1>" in page
    assert "<p>Une torche est une grande cheminée" in page
    assert "flaring" not in page.lower()


def test_an_explainer_not_yet_translated_shows_its_french_marked_as_french_on_english_pages(world, client):
    Explainer.objects.create(slug="poussieres", title="Les poussières", summary="Résumé des poussières.",
                             body="Premier paragraphe.\n\nSecond paragraphe.", categories=["autre"], order=99)
    page = main(client.get("/en/comprendre/poussieres/"))
    assert '<h1 lang="fr">Les poussières</h1>' in page
    assert '<p class="lead" lang="fr">Résumé des poussières.</p>' in page
    assert '<p lang="fr">Premier paragraphe.</p><p lang="fr">Second paragraphe.</p>' in page
    assert '<a href="/en/comprendre/poussieres/" lang="fr">Les poussières</a>' in main(client.get("/en/comprendre/"))
    notice = ongoing(world, category="autre")
    assert '<span lang="fr">Les poussières</span>' in main(client.get("/en/seine-estuaire/"))
    assert '<span lang="fr">Les poussières</span>' in main(client.get(f"/en{notice.get_absolute_url()}"))


def test_a_partly_translated_explainer_marks_only_its_french_parts(db, client):
    Explainer.objects.create(slug="poussieres", title="Les poussières", title_en="Dust", summary="Résumé.",
                             body="Un paragraphe.\n\nUn autre.")
    page = main(client.get("/en/comprendre/poussieres/"))
    assert "<h1>Dust</h1>" in page
    assert '<p class="lead" lang="fr">Résumé.</p>' in page
    assert '<p lang="fr">Un paragraphe.</p>' in page
    assert "<h1>Les poussières</h1>" in main(client.get("/comprendre/poussieres/"))


def test_each_address_keeps_its_language_whatever_was_visited_or_cached_before(world, client):
    notice = ongoing(world)  # flaring: its card links to the flaring explainer
    for _ in range(2):  # the second round is served from the territory pages' cache
        for url in ["/comprendre/torchage/", "/seine-estuaire/", notice.get_absolute_url()]:
            assert "Qu&#x27;est-ce qu&#x27;un torchage ?" in main(client.get(url)), url
            english = main(client.get(f"/en{url}"))
            assert "What is flaring?" in english and "torchage ?" not in english, url
    card = main(client.get("/en/seine-estuaire/"))
    assert '<a href="/en/comprendre/torchage/">Understand: <span>What is flaring?</span></a>' in card


@override_settings(ADMIN_REQUIRE_TWO_FACTOR=False)
def test_the_admin_edits_the_english_text_and_english_pages_show_it(world, client):
    client.force_login(world.superuser)
    explainer = Explainer.objects.get(slug="odeurs")
    url = f"/admin/notices/explainer/{explainer.pk}/change/"
    form = text(client.get(url))
    for field in ["title_en", "summary_en", "body_en"]:
        assert f'name="{field}"' in form
    data = {field: getattr(explainer, field) for field in ["slug", "order", "title", "summary", "body", "summary_en"]}
    data.update(categories='["odeur"]', title_en="Smells", body_en="First.\r\n\r\nSecond.")
    assert client.post(url, data).status_code == 302
    page = main(client.get("/en/comprendre/odeurs/"))
    assert "<h1>Smells</h1>" in page and "<p>First.</p><p>Second.</p>" in page
