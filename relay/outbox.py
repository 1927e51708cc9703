"""Writing the outbox: one Delivery row per matching confirmed subscription, in the publishing
transaction (notices.signals.revision_created); the relay's sender (run_relay) sends them.

The rows are written by one INSERT … SELECT built from the ORM's query (no subscription is
loaded into Python), with ON CONFLICT DO NOTHING so that writing twice is harmless: 100,000
subscriptions are queued in well under a second (see bench/RELAY.md)."""
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Value,
)
from django.dispatch import receiver
from django.utils import timezone

from notices.signals import revision_created
from zones.signals import zone_reached

from . import conf
from .models import ChannelKind, Delivery, DeliveryStatus, Digest, MessageKind, Priority, Subscription

BATCH = 5000


@receiver(revision_created, dispatch_uid="relay.queue_deliveries")
def queue_deliveries(sender, notice, revision, **kwargs):
    if not revision.notify:
        return
    # Nothing more: the relay's sender (run_relay, the one sending path) finds the rows within
    # its polling interval, a second at most when idle.
    write_outbox(notice, revision)


def matching_subscriptions(notice):
    """Confirmed subscriptions of the territory whose communes, sites and categories match."""
    communes = list(notice.communes.values_list("code", flat=True))
    by_commune = Subscription.communes.through.objects.filter(subscription_id=OuterRef("pk"))
    by_site = Subscription.sites.through.objects.filter(subscription_id=OuterRef("pk"))
    return (
        Subscription.objects.confirmed()
        .filter(territory_id=notice.territory_id)
        # No commune chosen (a partner's webhook) means the whole territory.
        .filter(Exists(by_commune.filter(commune_id__in=communes)) | ~Exists(by_commune))
        .filter(Exists(by_site.filter(site_id=notice.site_id)) | ~Exists(by_site))
        .filter(Q(categories="") | Q(categories__contains=f",{notice.category},"))
    )


def next_digest_time(now):
    local = timezone.localtime(now)
    moment = timezone.make_aware(datetime.combine(local.date(), time(conf.digest_hour())), local.tzinfo)
    return moment if moment > local else moment + timedelta(days=1)


def write_outbox(notice, revision, now=None):
    """Queue the revision for every matching subscription; returns the number of rows added."""
    now = now or timezone.now()
    digest_at = next_digest_time(now)
    immediate = matching_subscriptions(notice).exclude(channel=ChannelKind.EMAIL, digest=Digest.DAILY)
    daily = matching_subscriptions(notice).filter(channel=ChannelKind.EMAIL, digest=Digest.DAILY)
    if connection.vendor in ("sqlite", "postgresql"):
        return _insert_select(immediate, revision, now, now) + _insert_select(daily, revision, digest_at, now)
    return _bulk_create(immediate, revision, now, now) + _bulk_create(daily, revision, digest_at, now)


COLUMNS = ["revision_id", "subscription_id", "channel", "status", "attempts", "next_attempt_at",
           "claim_id", "last_error", "created_at", "kind", "priority", "address", "territory_id", "payload"]


def _insert_select(subscriptions, revision, due_at, now):
    rows = subscriptions.annotate(
        c_revision=Value(revision.pk, output_field=IntegerField()),
        c_subscription=F("pk"),
        c_channel=F("channel"),
        c_status=Value(DeliveryStatus.PENDING.value, output_field=CharField()),
        c_attempts=Value(0, output_field=IntegerField()),
        c_next=Value(due_at, output_field=DateTimeField()),
        c_claim=Value("", output_field=CharField()),
        c_error=Value("", output_field=CharField()),
        c_created=Value(now, output_field=DateTimeField()),
        c_kind=Value(MessageKind.NOTICE.value, output_field=CharField()),
        c_priority=Value(Priority.BULK.value, output_field=IntegerField()),
        c_address=Value("", output_field=CharField()),
        c_territory=F("territory_id"),
        c_payload=Value({}, output_field=JSONField()),
    ).values_list("c_revision", "c_subscription", "c_channel", "c_status", "c_attempts", "c_next", "c_claim",
                  "c_error", "c_created", "c_kind", "c_priority", "c_address", "c_territory", "c_payload")
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    # The SELECT always has a WHERE clause, which SQLite needs to parse ON CONFLICT after it.
    sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _bulk_create(subscriptions, revision, due_at, now):
    added = 0
    batch = []
    for pk, channel in subscriptions.values_list("pk", "channel").iterator(chunk_size=BATCH):
        batch.append(Delivery(revision=revision, subscription_id=pk, channel=channel, next_attempt_at=due_at,
                              created_at=now, territory_id=revision.notice.territory_id))
        if len(batch) >= BATCH:
            added += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        added += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
    return added


@receiver(zone_reached, dispatch_uid="relay.queue_zone_deliveries")
def queue_zone_deliveries(sender, notice, revision, zone, communes, **kwargs):
    """A current notice's perception zone reaches communes the operator did not list: their
    subscribers get the notice's current revision, once per notice (those already told about
    it, by any revision, are left out; the unique key makes a second pass harmless)."""
    anyone = Subscription.communes.through.objects.filter(
        commune_id__in=communes, subscription__territory_id=notice.territory_id, subscription__confirmed_at__isnull=False)
    if not anyone.exists():  # most often nobody: one indexed look-up instead of two INSERT … SELECT
        return
    by_commune = Subscription.communes.through.objects.filter(subscription_id=OuterRef("pk"), commune_id__in=communes)
    by_site = Subscription.sites.through.objects.filter(subscription_id=OuterRef("pk"))
    told = Delivery.objects.filter(subscription_id=OuterRef("pk"), revision__notice_id=notice.pk)
    subscriptions = (
        Subscription.objects.confirmed()
        .filter(territory_id=notice.territory_id)
        .filter(Exists(by_commune))
        .filter(Exists(by_site.filter(site_id=notice.site_id)) | ~Exists(by_site))
        .filter(Q(categories="") | Q(categories__contains=f",{notice.category},"))
        .exclude(Exists(told))
    )
    now = timezone.now()
    write = _insert_select if connection.vendor in ("sqlite", "postgresql") else _bulk_create
    immediate = subscriptions.exclude(channel=ChannelKind.EMAIL, digest=Digest.DAILY)
    daily = subscriptions.filter(channel=ChannelKind.EMAIL, digest=Digest.DAILY)
    write(immediate, revision, now, now)
    write(daily, revision, next_digest_time(now), now)
