"""Relay settings: read from Django settings first (tests override them there), then from the
environment, with defaults that are safe for a laptop demo (riverains.env.setting, the one
style of every app)."""
from email.utils import parseaddr

from django.conf import settings

from riverains.env import env, env_bool, env_int
from riverains.env import setting as _get


def kannel_url():
    """Kannel's sendsms interface, e.g. http://127.0.0.1:13013/cgi-bin/sendsms."""
    return _get("KANNEL_URL", env, "")


def kannel_user():
    return _get("KANNEL_USER", env, "")


def kannel_password():
    return _get("KANNEL_PASSWORD", env, "")


def sms_sender():
    return _get("SMS_SENDER", env, "Riverains")


def sms_backend():
    """Which SMS gateway sends: "kannel" (self-hosted, the default) or "twilio" (cloud)."""
    return _get("SMS_BACKEND", env, "kannel")


def twilio_account_sid():
    return _get("TWILIO_ACCOUNT_SID", env, "")


def twilio_auth_token():
    """Authenticates our calls to Twilio and Twilio's signed calls to us (inbound STOP)."""
    return _get("TWILIO_AUTH_TOKEN", env, "")


def twilio_from():
    """A Twilio number in E.164 or an alphanumeric sender ID allowed in France."""
    return _get("TWILIO_FROM", env, "") or sms_sender()


def twilio_api_url():
    """Replaces https://api.twilio.com (tests, proxies); empty keeps the library's default."""
    return _get("TWILIO_API_URL", env, "")


def inbound_sms_token():
    """Shared secret Kannel's sms-service adds to the inbound URL (?token=…)."""
    return _get("RELAY_INBOUND_SMS_TOKEN", env, "")


def vapid_private_key():
    return _get("VAPID_PRIVATE_KEY", env, "")


def vapid_public_key():
    """The applicationServerKey given to browsers (base64url, uncompressed P-256 point)."""
    return _get("VAPID_PUBLIC_KEY", env, "")


def vapid_subject():
    return _get("VAPID_SUBJECT", env, "mailto:contact@riverains.localhost")


def allow_private_webhooks():
    """Partners' webhooks may point at loopback or private addresses only in development."""
    return _get("RELAY_ALLOW_PRIVATE_WEBHOOKS", env_bool, settings.DEV)


def allow_http_webhooks():
    """Partners' webhooks must be https:// in production; http:// only in development (the demo's
    catcher, loopback test servers)."""
    return _get("RELAY_ALLOW_HTTP_WEBHOOKS", env_bool, settings.DEV)


def unsubscribe_email():
    """The address of List-Unsubscribe's mailto: alternative. Mail to it is read by
    `manage.py unsubscribe_by_mail` (an MTA pipe alias, see README); by default
    desabonnement@ the domain of DEFAULT_FROM_EMAIL."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "riverains.localhost"
    return _get("RELAY_UNSUBSCRIBE_EMAIL", env, f"desabonnement@{domain}")


def batch_size():
    return _get("RELAY_BATCH_SIZE", env_int, 200)


def email_connections():
    """SMTP connections one worker may keep open at once, each in its own thread: a mail server
    answers each message after writing it to disk, so several in flight fill the waits. The
    worker opens them as the waits call for them (relay.sender.Lanes), up to this many."""
    return _get("RELAY_EMAIL_CONNECTIONS", env_int, 8)


def esp_batch_size():
    """Recipients per API call when e-mail leaves through a provider's batch sending (anymail,
    relay.channels.email.ESP_MERGE_FIELDS): Mailgun takes up to 1,000. A call never carries more
    than one claimed batch (RELAY_BATCH_SIZE): raise that too to fill the calls."""
    return _get("RELAY_ESP_BATCH_SIZE", env_int, 1000)


def push_connections():
    """Web push requests one worker may have in flight at once (one thread each, with its
    keep-alive connections), opened as the push services' answer times call for them
    (relay.sender.Lanes), up to this many."""
    return _get("RELAY_PUSH_CONNECTIONS", env_int, 16)


def max_attempts():
    return _get("RELAY_MAX_ATTEMPTS", env_int, 8)


def retry_base_seconds():
    return _get("RELAY_RETRY_BASE_SECONDS", env_int, 30)


def lease_seconds():
    """How long a worker holds the batch it claimed without a sign of life. It renews the lease
    while it sends (several times per lease), so a live worker never loses it; rows still
    "sending" past it belong to a dead worker and go back to pending. Longer than the slowest
    single send (EMAIL_TIMEOUT, 20 s; 10 s for HTTP gateways), short enough that a killed
    worker's batch leaves again within seconds."""
    return _get("RELAY_SENDING_TIMEOUT", env_int, 30)


def unconfirmed_days():
    return _get("RELAY_UNCONFIRMED_DAYS", env_int, 3)


def confirmations_per_day():
    return _get("RELAY_CONFIRMATIONS_PER_DAY", env_int, 3)


def form_posts_per_hour():
    return _get("RELAY_FORM_POSTS_PER_HOUR", env_int, 20)


def digest_hour():
    """Local hour (Europe/Paris) at which daily digests leave."""
    return _get("RELAY_DIGEST_HOUR", env_int, 18)


def bluesky_service_url():
    """The Bluesky (AT Protocol) server the territory's accounts log in to; a self-hosted PDS
    may replace it."""
    return _get("BLUESKY_SERVICE_URL", env, "https://bsky.social")
