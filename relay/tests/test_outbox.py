from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices import services as notices
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.outbox import write_outbox

from .conftest import confirmed


def test_publishing_queues_one_delivery_per_matching_confirmed_subscription(world):
    codes = {c.code: c for c in world.x.communes.all()}
    near = confirmed(world.x, "email", "near@example.test", [codes["76305"]])
    far = confirmed(world.x, "email", "far@example.test", [codes["76476"]])  # Rogerville: not in the notice
    Subscription.objects.create(territory=world.x, channel="email", address="unconfirmed@example.test", manage_nonce="x")
    other = confirmed(world.y, "email", "other@example.test", list(world.y.communes.all()))

    notice = world.publish()

    deliveries = Delivery.objects.filter(revision__notice=notice)
    assert [d.subscription for d in deliveries] == [near]
    assert deliveries.get().status == DeliveryStatus.PENDING
    assert not Delivery.objects.filter(subscription__in=[far, other]).exists()


def test_site_and_category_filters_narrow_what_a_subscriber_receives(world):
    commune = world.site_a.neighbouring_communes.first()
    only_b = confirmed(world.x, "email", "b@example.test", [commune])
    only_b.sites.set([world.site_b])
    only_noise = confirmed(world.x, "email", "noise@example.test", [commune], categories=",bruit,")
    flaring = confirmed(world.x, "email", "flaring@example.test", [commune], categories=",torchage,bruit,")
    everything = confirmed(world.x, "email", "all@example.test", [commune])

    notice = world.publish()

    received = set(Delivery.objects.filter(revision__notice=notice).values_list("subscription_id", flat=True))
    assert received == {flaring.pk, everything.pk}
    assert only_b.pk not in received and only_noise.pk not in received


def test_writing_the_outbox_twice_adds_nothing(world):
    confirmed(world.x, "email", "a@example.test", list(world.x.communes.all()))
    notice = world.publish()
    revision = notice.latest_revision
    assert write_outbox(notice, revision) == 0
    assert Delivery.objects.filter(revision=revision).count() == 1


def test_an_update_without_notification_queues_nothing(world):
    confirmed(world.x, "email", "a@example.test", list(world.x.communes.all()))
    notice = world.publish()
    notices.update(world.operator_a, notice, {"title": "Torchage prolongé"}, "Durée prolongée", notify=False)
    notices.update(world.operator_a, notice, {"title": "Torchage prolongé encore"}, "Encore", notify=True)
    assert Delivery.objects.filter(revision__notice=notice).count() == 2


def test_the_outbox_is_written_in_one_statement_whatever_the_number_of_subscribers(world):
    commune = world.site_a.neighbouring_communes.first()
    subs = Subscription.objects.bulk_create(
        Subscription(territory=world.x, channel="email", address=f"r{i}@example.test", manage_nonce="n",
                     confirmed_at=world.x.created_at) for i in range(500)
    )
    Subscription.communes.through.objects.bulk_create(
        Subscription.communes.through(subscription_id=s.pk, commune_id=commune.pk) for s in subs
    )
    notice = world.publish()
    Delivery.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        added = write_outbox(notice, notice.latest_revision)
    assert added == 500
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 2  # immediate + digest


def test_a_failed_publication_leaves_no_delivery(world):
    confirmed(world.x, "email", "a@example.test", list(world.x.communes.all()))
    try:
        world.publish(title="")
    except Exception:
        pass
    assert not Delivery.objects.exists()
