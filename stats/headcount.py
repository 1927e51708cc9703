"""Keeps the coordinator's subscriber counts true after subscribers leave.

A subscription that ends is deleted with its address and filters, whatever the way out: the
unsubscribe link or one-click header, the manage page, an SMS "STOP", a browser the push service
says is gone, a webhook or social account the coordinator removes, the admin. Every one of them
goes through Django's deletion collector, which sends pre_delete for each row (queryset deletes
too, since receivers are connected), so the signal is what cannot be bypassed. Before the row
goes, stats.models gets counts only — the day, territory and channel, the communes — never an
address or an identifier. The same is done when a confirmed subscriber changes communes.

Subscriptions that were never confirmed (the hourly purge) were never subscribers: nothing is
recorded for them. Nor when a whole territory is deleted: its statistics go with it.

It lives in stats, listening to the relay's model signals (StatsConfig.ready imports it), so
that relay, below stats, never imports it."""
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from relay.models import Subscription
from territories.models import Territory

from .models import CommuneFollowerChange, EndedSubscriptions

WHOLE_TERRITORY = None  # the "commune" of subscriptions that follow no commune in particular
ENDED = None  # what an ended subscription follows


def local_day(moment):
    return timezone.localtime(moment).date()  # TIME_ZONE is Europe/Paris


def _territory_going(origin):
    model = getattr(origin, "model", None) or type(origin)  # a queryset's model, or an instance's class
    return isinstance(model, type) and issubclass(model, Territory)


@receiver(pre_delete, sender=Subscription, dispatch_uid="stats.headcount.ending")
def subscription_ending(sender, instance, origin=None, **kwargs):
    if _territory_going(origin):
        return
    # Read again, locked, inside the deletion's transaction: a row another request deleted
    # meanwhile (two clicks on the unsubscribe button) is then not counted twice.
    row = (
        Subscription.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("territory_id", "channel", "confirmed_at")
        .first()
    )
    if row is None or row[2] is None:
        return
    territory_id, channel, confirmed_at = row
    confirmed_on, today = local_day(confirmed_at), local_day(timezone.now())
    EndedSubscriptions.add(confirmed_on, territory_id, channel, confirmed=1)
    EndedSubscriptions.add(today, territory_id, channel, ended=1)
    _record(territory_id, confirmed_on, today, before=_communes_of([instance.pk])[instance.pk], after=ENDED)


@receiver(m2m_changed, sender=Subscription.communes.through, dispatch_uid="stats.headcount.communes")
def communes_changing(sender, instance, action, reverse, pk_set, **kwargs):
    """subscription.communes.add/remove/set/clear (or the same from the commune's side)."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    through = Subscription.communes.through
    if reverse:  # instance is a commune, pk_set subscriptions
        ids = set(pk_set) if action != "pre_clear" else set(through.objects.filter(commune_id=instance.pk).values_list(
            "subscription_id", flat=True))
        communes = {instance.pk}
    else:
        ids, communes = {instance.pk}, set(pk_set) if pk_set is not None else None
    if not ids:
        return
    current = _communes_of(ids)
    today = local_day(timezone.now())
    for pk, territory_id, confirmed_at in Subscription.objects.filter(pk__in=ids, confirmed_at__isnull=False).values_list(
        "pk", "territory_id", "confirmed_at"
    ):
        before = current[pk]
        if action == "pre_add":
            after = before | communes
        elif communes is None:  # clear
            after = set()
        else:
            after = before - communes
        _record(territory_id, local_day(confirmed_at), today, before, after)


def _communes_of(ids):
    found = {pk: set() for pk in ids}
    for pk, commune in Subscription.communes.through.objects.filter(subscription_id__in=ids).values_list(
        "subscription_id", "commune_id"
    ):
        found[pk].add(commune)
    return found


def _record(territory_id, confirmed_on, today, before, after):
    """A confirmed subscription that followed the communes `before` follows `after` from today
    (ENDED: nothing any more; no commune: the whole territory). Today's rows count each commune
    a subscription follows from its confirmation, so a commune left today was followed from then
    until today (+1 from the confirmation day, -1 from today), and one taken up today was not
    followed before (-1 from the confirmation day, +1 from today)."""
    if confirmed_on >= today:
        return  # the two corrections fall on the same day and cancel out
    was = before or {WHOLE_TERRITORY}
    now = set() if after is ENDED else (after or {WHOLE_TERRITORY})
    for commune in was - now:
        CommuneFollowerChange.add(confirmed_on, territory_id, commune, +1)
        CommuneFollowerChange.add(today, territory_id, commune, -1)
    for commune in now - was:
        CommuneFollowerChange.add(confirmed_on, territory_id, commune, -1)
        CommuneFollowerChange.add(today, territory_id, commune, +1)
