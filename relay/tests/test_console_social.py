from relay.models import Subscription


def post(client, kind, world, **data):
    fields = {"territory": world.x.pk, **data}
    return client.post(f"/console/relais/comptes/{kind}/", {f"{kind}-{k}": v for k, v in fields.items()}, follow=True)


def test_a_coordinator_configures_accounts_and_never_sees_the_secrets_again(world, client):
    client.force_login(world.coordinator_x)

    post(client, "mastodon", world, address="https://mastodon.example/", secret="tok-123-secret")
    response = post(client, "bluesky", world, address="@Ville.bsky.social", secret="abcd-efgh-ijkl-mnop")

    page = response.content.decode()
    mastodon = Subscription.objects.get(channel="mastodon")
    bluesky = Subscription.objects.get(channel="bluesky")
    assert (mastodon.address, mastodon.secret) == ("https://mastodon.example", "tok-123-secret")
    assert (bluesky.address, bluesky.secret) == ("ville.bsky.social", "abcd-efgh-ijkl-mnop")
    assert mastodon.is_confirmed and not mastodon.communes.exists()  # the whole territory
    assert "@ville.bsky.social" in page and "https://mastodon.example" in page
    assert page.count("<td>configuré</td>") == 2
    assert "tok-123-secret" not in page and "abcd-efgh-ijkl-mnop" not in page


def test_bad_account_settings_get_french_messages_and_change_nothing(world, client):
    client.force_login(world.coordinator_x)

    page = post(client, "mastodon", world, address="mastodon", secret="x").content.decode()
    assert "Saisissez l&#x27;adresse de l&#x27;instance Mastodon" in page
    page = post(client, "bluesky", world, address="pas un identifiant", secret="").content.decode()
    assert "Saisissez le mot de passe d&#x27;application." in page
    page = post(client, "bluesky", world, address="ville.bsky.social", secret="p", territory=world.y.pk).content.decode()
    assert "Choisissez un des territoires que vous coordonnez." in page
    assert not Subscription.objects.exists()


def test_another_coordinator_cannot_see_or_remove_an_account(world, client):
    client.force_login(world.coordinator_x)
    post(client, "bluesky", world, address="ville.bsky.social", secret="abcd-efgh-ijkl-mnop")
    account = Subscription.objects.get()

    client.force_login(world.coordinator_y)
    assert "@ville.bsky.social" not in client.get("/console/relais/comptes/").content.decode()
    assert client.post(f"/console/relais/comptes/{account.pk}/supprimer/").status_code == 404

    client.force_login(world.coordinator_x)
    client.post(f"/console/relais/comptes/{account.pk}/supprimer/")
    assert not Subscription.objects.exists()


def test_social_channels_are_not_offered_to_residents(world, client):
    page = client.get("/seine-estuaire/abonnement/").content.decode()
    assert 'value="mastodon"' not in page and 'value="bluesky"' not in page
