"""Builds, in its own process, a database for the fault tests that run real workers
(relay/tests/test_fault_worker_killed.py): migrate, the test world, N confirmed e-mail
subscriptions of one commune, one notice published (its outbox written, nothing sent).

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m relay.tests.fanout_world 2000

The environment (DATABASE_URL, RIVERAINS_DEV, TASKS_BACKEND) is the caller's."""
import os
import sys


def build(count):
    from django.core.management import call_command
    from django.utils import timezone

    from relay.models import Delivery, Subscription
    from riverains.testing import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    commune = world.site_a.neighbouring_communes.first()
    subscriptions = Subscription.objects.bulk_create(
        Subscription(territory=world.x, channel="email", address=f"r{i}@example.test", manage_nonce="n",
                     confirmed_at=timezone.now())
        for i in range(count)
    )
    through = Subscription.communes.through
    through.objects.bulk_create(through(subscription_id=s.pk, commune_id=commune.pk) for s in subscriptions)
    world.publish()
    return Delivery.objects.count()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings")
    import django

    django.setup()
    print(build(int(sys.argv[1])))
