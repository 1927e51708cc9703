"""The territory's Mastodon account, through Mastodon.py: one public status per delivery.

The account is a Subscription of channel "mastodon": address = the instance URL, secret = the
access token (scope write:statuses) that the coordinator created in the account's settings."""
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from .base import Channel, PermanentError, TransientError
from .social import social_post

LIMIT = 500
TIMEOUT = 10


def client(subscription):
    return Mastodon(
        access_token=subscription.secret,
        api_base_url=subscription.address,
        version_check_mode="none",  # no /api/v1/instance round trip before each post
        ratelimit_method="throw",  # never sleep in the worker: the delivery is retried later
        request_timeout=TIMEOUT,
        user_agent="Riverains-Relay/1",
    )


class MastodonChannel(Channel):
    kind = "mastodon"

    def notify(self, delivery):
        post = social_post(self.message(delivery.revision), LIMIT)
        try:
            client(delivery.subscription).status_post(
                post.text,
                visibility="public",
                language="fr",
                # The same key on every retry: the instance posts once even if our answer got lost.
                idempotency_key=f"riverains-{delivery.revision_id}-{delivery.subscription_id}",
            )
        except MastodonUnauthorizedError as e:
            raise PermanentError("Mastodon a refusé le jeton d'accès (401) : reconfigurez le compte") from e
        except MastodonNotFoundError as e:
            raise PermanentError("Mastodon : adresse de l'instance introuvable (404)") from e
        except (MastodonServerError, MastodonNetworkError, MastodonRatelimitError) as e:
            raise TransientError(f"Mastodon indisponible : {_status(e)}") from e
        except MastodonAPIError as e:
            raise PermanentError(f"Mastodon a refusé le message : {_status(e)}") from e


def _status(error):
    args = [a for a in error.args[1:3] if a is not None]
    return " ".join(str(a) for a in args) or error.__class__.__name__
