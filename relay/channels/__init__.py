"""One module per channel, all behind relay.channels.base.Channel."""
from django.utils.module_loading import import_string

CHANNELS = {
    "email": "relay.channels.email.EmailChannel",
    "sms": "relay.channels.sms.SmsChannel",
    "push": "relay.channels.push.WebPushChannel",
    "webhook": "relay.channels.webhook.WebhookChannel",
    "mastodon": "relay.channels.mastodon.MastodonChannel",
    "bluesky": "relay.channels.bluesky.BlueskyChannel",
}


def get_channel(kind):
    return import_string(CHANNELS[kind])()


def policy(kind):
    """The channel's class, for its policy (double opt-in, digest, quiet hours…): what
    relay.services asks instead of branching on channel names."""
    return import_string(CHANNELS[kind])
