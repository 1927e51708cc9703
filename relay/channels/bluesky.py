"""The territory's Bluesky account, through the atproto SDK: one post per delivery, with a link
facet so the notice's address is clickable.

The account is a Subscription of channel "bluesky": address = the handle, secret = an app
password (Settings → App passwords), never the account's main password."""
from atproto import Client, Session, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)

from .. import conf
from .base import Channel, PermanentError, TransientError
from .social import social_post

LIMIT = 300  # graphemes; social_post counts code points, which are never fewer


def link_facet(text, url):
    """The facet making `url` a link; atproto indexes are UTF-8 byte offsets."""
    start = text.encode().index(url.encode())
    return models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=start + len(url.encode())),
        features=[models.AppBskyRichtextFacet.Link(uri=url)],
    )


class BlueskyChannel(Channel):
    kind = "bluesky"

    def __init__(self):
        self._sessions = {}  # subscription id → logged-in Client, for one batch

    def close(self):
        self._sessions.clear()

    def _client(self, subscription):
        if subscription.pk not in self._sessions:
            bluesky = Client(base_url=conf.bluesky_service_url())
            bluesky.login(subscription.address, subscription.secret, fetch_bsky_profile=False)
            self._sessions[subscription.pk] = bluesky
        return self._sessions[subscription.pk]

    def notify(self, delivery):
        subscription = delivery.subscription
        post = social_post(self.message(delivery.revision), LIMIT)
        try:
            bluesky = self._client(subscription)
            record = models.AppBskyFeedPost.Record(
                text=post.text,
                created_at=bluesky.get_current_time_iso(),
                langs=["fr"],
                facets=[link_facet(post.text, post.url)],
            )
            bluesky.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=Session.decode(bluesky.export_session_string()).did,
                    collection="app.bsky.feed.post",
                    record=record,
                )
            )
        except UnauthorizedError as e:
            self._sessions.pop(subscription.pk, None)
            raise PermanentError(f"Bluesky a refusé l'identifiant ou le mot de passe d'application ({e})") from e
        except RateLimitExceededError as e:
            raise TransientError("Bluesky : limite de débit atteinte (429)") from e
        except BadRequestError as e:
            raise PermanentError(f"Bluesky a refusé le message ({e})") from e
        except (NetworkError, RequestException) as e:
            self._sessions.pop(subscription.pk, None)
            raise TransientError(f"Bluesky indisponible ({e or e.__class__.__name__})") from e
        except AtProtocolError as e:
            raise TransientError(f"Bluesky : {e.__class__.__name__}") from e
