from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires")

    def ready(self):
        from .models import Organization, Partner, Site, Territory

        # Public pages are cached under a fingerprint that includes Territory.updated_at: a change
        # to anything shown on them moves it, so residents never see an out-of-date site page.
        for model in (Territory, Site, Organization, Partner):
            post_save.connect(touch_territory, sender=model, dispatch_uid=f"touch-territory-{model.__name__}")
        m2m_changed.connect(touch_territory, sender=Territory.communes.through, dispatch_uid="touch-territory-communes")


def touch_territory(sender, instance, **kwargs):
    from django.utils import timezone

    from .models import Organization, Site, Territory

    if isinstance(instance, Territory):
        territory_id = instance.pk
    elif isinstance(instance, Site):
        territory_id = Organization.objects.filter(pk=instance.organization_id).values_list("territory_id", flat=True).first()
    else:
        territory_id = instance.territory_id
    from django.db import transaction

    from .signals import territory_changed

    if not isinstance(instance, Territory):  # a Territory's own save already set updated_at
        Territory.objects.filter(pk=territory_id).update(updated_at=timezone.now())
    transaction.on_commit(lambda: territory_changed.send(sender=Territory, territory_id=territory_id))
