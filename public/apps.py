from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"

    def ready(self):
        from notices.signals import notice_changed
        from territories.signals import territory_changed

        from . import cache

        notice_changed.connect(
            lambda sender, notice, **kw: cache.invalidate(notice.territory_id), weak=False, dispatch_uid="public-cache-notice"
        )
        territory_changed.connect(
            lambda sender, territory_id, **kw: cache.invalidate(territory_id), weak=False, dispatch_uid="public-cache-territory"
        )
