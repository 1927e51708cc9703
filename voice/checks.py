"""`manage.py check --database default` (and `migrate`): a territory has a phone line but the
phone provider's webhooks would all be refused, since VOICE_AUTH_TOKEN checks their signature."""
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from territories.models import Territory

from . import conf


@register(Tags.database)
def phone_line_has_its_token(app_configs, databases=None, **kwargs):
    if not databases or conf.auth_token():
        return []
    try:
        with_line = list(Territory.objects.exclude(toll_free_number="").order_by("name").values_list("name", flat=True)[:5])
    except DatabaseError:  # `migrate` runs the checks before it creates the tables
        return []
    if not with_line:
        return []
    return [Warning(
        f"A phone line is on ({', '.join(with_line)}) but VOICE_AUTH_TOKEN is not set: every call would be "
        "refused (the voice menu checks the provider's signature).",
        hint="Set VOICE_AUTH_TOKEN to the phone provider's auth token.",
        id="voice.W001",
    )]
