"""Public pages are cached under a fingerprint that includes Territory.updated_at: a change to
anything shown on them moves it, so residents never see an out-of-date site page; and
territory_changed tells the caches once the change is committed."""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Organization, Partner, Site, Territory
from .signals import territory_changed


@receiver(post_save, sender=Territory, dispatch_uid="touch-territory-Territory")
@receiver(post_save, sender=Site, dispatch_uid="touch-territory-Site")
@receiver(post_save, sender=Organization, dispatch_uid="touch-territory-Organization")
@receiver(post_save, sender=Partner, dispatch_uid="touch-territory-Partner")
@receiver(m2m_changed, sender=Territory.communes.through, dispatch_uid="touch-territory-communes")
def touch_territory(sender, instance, **kwargs):
    if isinstance(instance, Territory):
        territory_id = instance.pk
    elif isinstance(instance, Site):
        territory_id = Organization.objects.filter(pk=instance.organization_id).values_list("territory_id", flat=True).first()
    else:
        territory_id = instance.territory_id
    if not isinstance(instance, Territory):  # a Territory's own save already set updated_at
        Territory.objects.filter(pk=territory_id).update(updated_at=timezone.now())
    transaction.on_commit(lambda: territory_changed.send(sender=Territory, territory_id=territory_id))
