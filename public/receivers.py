"""The public read cache follows notices and territories: after each committed change, the
territory's cached pages are dropped (public.cache.invalidate)."""
from django.dispatch import receiver

from notices.signals import notice_changed
from territories.signals import territory_changed

from . import cache


@receiver(notice_changed, dispatch_uid="public-cache-notice")
def notice_changed_drops_its_pages(sender, notice, **kwargs):
    cache.invalidate(notice.territory_id)


@receiver(territory_changed, dispatch_uid="public-cache-territory")
def territory_changed_drops_its_pages(sender, territory_id, **kwargs):
    cache.invalidate(territory_id)
