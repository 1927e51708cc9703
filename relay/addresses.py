"""Checking and normalising what residents and partners type as an address."""
import ipaddress
import re
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from . import conf
from .models import ChannelKind

PHONE_CHARS = re.compile(r"[\s.\-()]")


def normalize_email(value):
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError({"address": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")})
    return value


def normalize_phone(value):
    """A French mobile (06/07) or any E.164 number, returned in E.164 (+33612345678)."""
    raw = PHONE_CHARS.sub("", value or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if re.fullmatch(r"0[67]\d{8}", raw):
        raw = "+33" + raw[1:]
    if not re.fullmatch(r"\+[1-9]\d{7,14}", raw) or (raw.startswith("+33") and not re.fullmatch(r"\+33[67]\d{8}", raw)):
        raise ValidationError(
            {"address": _("Saisissez un numéro de téléphone mobile, par exemple 06 12 34 56 78.")}
        )
    return raw


def check_sms_country(territory, phone):
    """Only numbers of the countries the territory serves may subscribe by SMS (calling codes in
    Territory.sms_countries; E.164 country codes are prefix-free, so a prefix test is exact)."""
    codes = territory.sms_calling_codes
    if not any(phone.startswith(code) for code in codes):
        if not codes:
            message = _("Ce territoire n'envoie pas de SMS : abonnez-vous par e-mail.")
        else:
            message = _(
                "Les SMS de ce territoire ne sont envoyés qu'aux numéros de certains pays (indicatifs %(codes)s). "
                "Abonnez-vous par e-mail, ou saisissez un numéro de l'un de ces pays."
            ) % {"codes": ", ".join(codes)}
        raise ValidationError({"address": message})


def normalize_push(endpoint, keys):
    endpoint = (endpoint or "").strip()
    keys = keys or {}
    if not _is_url(endpoint) or not keys.get("p256dh") or not keys.get("auth"):
        raise ValidationError(
            {"address": _("Votre navigateur n'a pas fourni d'abonnement aux notifications valide. Réessayez.")}
        )
    return endpoint, {"p256dh": str(keys["p256dh"]), "auth": str(keys["auth"])}


def normalize_webhook_url(value):
    value = (value or "").strip()
    if not _is_url(value):
        raise ValidationError({"address": _("Saisissez une adresse web complète, commençant par https://.")})
    if urlsplit(value).scheme != "https" and not conf.allow_http_webhooks():
        # The body and its signature would cross the network in clear: the partner must use TLS.
        raise ValidationError({"address": _(
            "Cette adresse commence par http:// : les messages y circuleraient en clair. "
            "Saisissez l'adresse https:// du partenaire."
        )})
    check_public_host(value)
    return value


def check_public_host(url):
    """Refuse URLs that resolve to loopback, private or link-local addresses (SSRF), unless the
    deployment allows it (development and tests)."""
    if conf.allow_private_webhooks():
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise ValidationError({"address": _("Ce nom de domaine est introuvable.")})
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise ValidationError(
                {"address": _("Cette adresse pointe vers un réseau privé ou local : elle est refusée.")}
            )


BLUESKY_HANDLE = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def normalize_social(channel, value):
    """A Mastodon instance URL (https://mastodon.example, no trailing slash) or a Bluesky handle
    (commune.bsky.social, without the @)."""
    value = (value or "").strip()
    if channel == ChannelKind.MASTODON:
        if not _is_url(value):
            raise ValidationError({"address": _("Saisissez l'adresse de l'instance Mastodon, par exemple https://mastodon.social.")})
        check_public_host(value)
        return value.rstrip("/")
    if channel == ChannelKind.BLUESKY:
        handle = value.removeprefix("@").lower()
        if not BLUESKY_HANDLE.match(handle):
            raise ValidationError({"address": _("Saisissez l'identifiant Bluesky, par exemple ville.bsky.social.")})
        return handle
    raise ValidationError({"channel": _("Choisissez Mastodon ou Bluesky.")})


def _is_url(value):
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= 1000


def normalize(channel, address, push_keys=None):
    """Return (address, push_keys) for a channel, or raise a ValidationError keyed "address"."""
    if channel == ChannelKind.EMAIL:
        return normalize_email(address), {}
    if channel == ChannelKind.SMS:
        return normalize_phone(address), {}
    if channel == ChannelKind.PUSH:
        return normalize_push(address, push_keys)
    if channel == ChannelKind.WEBHOOK:
        return normalize_webhook_url(address), {}
    raise ValidationError({"channel": _("Choisissez un moyen de recevoir les messages.")})
