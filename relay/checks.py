"""`manage.py check`: relay settings that cannot work as set (they would fail only when the
first message leaves, long after the deployment)."""
from django.core.checks import Error, register

from . import conf


@register()
def vapid_keys_come_in_pairs(app_configs, **kwargs):
    """Web push signs with the private key what browsers check with the public one: one of
    them alone makes every push subscription fail."""
    private, public = bool(conf.vapid_private_key()), bool(conf.vapid_public_key())
    if private == public:
        return []
    missing = "VAPID_PUBLIC_KEY" if private else "VAPID_PRIVATE_KEY"
    return [Error(
        f"Web push is half configured: {missing} is missing.",
        hint="Set VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY together (one generated pair), or neither.",
        id="relay.E001",
    )]


@register()
def kannel_has_credentials(app_configs, **kwargs):
    """Kannel's sendsms interface refuses a request without its username and password."""
    if conf.sms_backend() != "kannel" or not conf.kannel_url():
        return []
    missing = [name for name, value in (("KANNEL_USER", conf.kannel_user()), ("KANNEL_PASSWORD", conf.kannel_password()))
               if not value]
    if not missing:
        return []
    return [Error(
        f"SMS through Kannel ({conf.kannel_url()}) without {' and '.join(missing)}: Kannel would refuse every SMS.",
        hint="Set KANNEL_USER and KANNEL_PASSWORD to the sendsms-user of Kannel's configuration.",
        id="relay.E002",
    )]
