from django.urls import reverse


def test_editing_a_site_changes_its_public_page_at_once(client, world):
    url = world.site_a.get_absolute_url()
    first = client.get(url)
    assert "Raffinerie de Gonfreville" in first.content.decode()
    world.site_a.description = "Nouvelle présentation du site"
    world.site_a.save()
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Nouvelle présentation du site" in second.content.decode()


def test_renaming_an_organization_refreshes_the_territory_page(client, world):
    url = reverse("public:territory", args=[world.x.slug])
    etag = client.get(url)["ETag"]
    world.org_a.name = "Raffinerie renommée"
    world.org_a.save()
    assert client.get(url)["ETag"] != etag
