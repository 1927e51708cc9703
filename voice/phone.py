"""Phone numbers: matching the number called to a territory, and hiding the caller's."""
import hashlib
import hmac
import re
from datetime import timedelta

from django.utils import timezone

from territories.models import Territory

from . import conf


def to_e164(number):
    """French numbers in any common spelling to E.164: '0 800 00 76 00' → '+33800007600'."""
    digits = re.sub(r"[^\d+]", "", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    return digits


def territory_for_number(called):
    wanted = to_e164(called)
    if not wanted:
        return None
    for territory in Territory.objects.published().exclude(toll_free_number=""):
        if to_e164(territory.toll_free_number) == wanted:
            return territory
    return None


def caller_hash(number):
    """A keyed hash: counts repeat callers without keeping a number anyone could read back."""
    if not number:
        return ""
    return hmac.new(conf.caller_salt().encode(), to_e164(number).encode(), hashlib.sha256).hexdigest()


def forget_old_callers(now=None):
    """Erase the caller's hash of calls older than the retention (conf.caller_hash_retention_days):
    a keyed hash is still personal data. Returns how many calls were changed."""
    from .models import Call

    limit = (now or timezone.now()) - timedelta(days=conf.caller_hash_retention_days())
    return Call.objects.filter(started_at__lt=limit).exclude(caller_hash="").update(caller_hash="")
