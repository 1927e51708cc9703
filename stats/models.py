"""Audience counts, one row per (day, territory, kind): no address, no browser, no cookie; and
the subscriber movements today's subscriptions no longer show, as counts per day.

DailyCount rows are written only by `stats.counting.flush()`, which moves the counters the public
read path keeps in the cache; the web request itself never writes to the database.

EndedSubscriptions and CommuneFollowerChange rows are written by stats.headcount (on the relay's model signals), in the same
transaction as the change to the subscription. A subscriber who leaves is deleted (personal data
must go), so today's subscriptions alone only tell how the present subscribers arrived; these rows
hold, without any address, identifier or link between rows, what is needed to count the
subscribers there really were at any past midnight (see stats.figures)."""
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from territories.models import Commune, Territory


class AudienceKind(models.TextChoices):
    PAGE = "page", _("pages du territoire")
    NOTICE = "notice", _("pages de message")
    FEED = "feed", _("flux (Atom, CAP, iCalendar, CSV)")
    API = "api", _("API")
    WIDGET = "widget", _("widget")


class DailyCount(models.Model):
    day = models.DateField(_("jour"))  # Europe/Paris calendar day
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="daily_counts")
    kind = models.CharField(_("type"), max_length=10, choices=AudienceKind.choices)
    count = models.PositiveIntegerField(_("consultations"), default=0)

    class Meta:
        ordering = ["day", "territory", "kind"]
        verbose_name = _("consultations du jour")
        verbose_name_plural = _("consultations par jour")
        constraints = [models.UniqueConstraint(fields=["day", "territory", "kind"], name="unique_daily_count")]

    def __str__(self):
        return f"{self.day} {self.territory_id} {self.kind}: {self.count}"


def add_counts(model, keys, **amounts):
    """Add `amounts` to the counters of the row `keys`, creating it if need be (race-safe)."""
    amounts = {name: n for name, n in amounts.items() if n}
    if not amounts:
        return
    increments = {name: F(name) + n for name, n in amounts.items()}
    if model.objects.filter(**keys).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **amounts)
    except IntegrityError:  # created meanwhile by another transaction
        model.objects.filter(**keys).update(**increments)


class EndedSubscriptions(models.Model):
    """Confirmed subscriptions that have ended (unsubscribed, STOP, expired browser, webhook or
    account removed), per Europe/Paris day, territory and channel.

    `ended` counts those that ended that day; `confirmed` counts those, among every subscription
    that has ended since, that had been confirmed that day. The two are never linked to each
    other: confirmed subscribers at a past midnight = today's subscriptions confirmed before it
    + the `confirmed` of the days before it − the `ended` of the days before it."""

    day = models.DateField(_("jour"))  # Europe/Paris calendar day
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="ended_subscriptions")
    channel = models.CharField(_("canal"), max_length=10)  # relay.models.ChannelKind
    confirmed = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "territory", "channel"]
        verbose_name = _("abonnements terminés du jour")
        verbose_name_plural = _("abonnements terminés par jour")
        constraints = [models.UniqueConstraint(fields=["day", "territory", "channel"], name="unique_ended_subscriptions")]

    def __str__(self):
        return f"{self.day} {self.territory_id} {self.channel}: +{self.confirmed} -{self.ended}"

    @classmethod
    def add(cls, day, territory_id, channel, confirmed=0, ended=0):
        add_counts(cls, {"day": day, "territory_id": territory_id, "channel": channel}, confirmed=confirmed, ended=ended)


class CommuneFollowerChange(models.Model):
    """Corrections to the followers of a commune (or, with no commune, of the whole territory)
    counted from today's subscriptions, per Europe/Paris day.

    Today's subscriptions count each of their communes from their confirmation. Whenever that is
    untrue — the subscription has ended, or a confirmed subscriber dropped or added a commune
    later — the difference is recorded here, at the confirmation day and at the day of the change:
    followers at a past midnight = today's confirmed followers confirmed before it + the sum of
    `change` over the days before it. `change` is a net count and can be negative."""

    day = models.DateField(_("jour"))  # Europe/Paris calendar day
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="commune_follower_changes")
    # Empty: subscriptions that follow the whole territory (no commune chosen).
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    change = models.IntegerField(default=0)

    class Meta:
        ordering = ["day", "territory", "commune"]
        verbose_name = _("évolution des abonnés d'une commune")
        verbose_name_plural = _("évolutions des abonnés par commune")
        constraints = [
            models.UniqueConstraint(fields=["day", "territory", "commune"], condition=Q(commune__isnull=False),
                                    name="unique_commune_follower_change"),
            models.UniqueConstraint(fields=["day", "territory"], condition=Q(commune__isnull=True),
                                    name="unique_territory_follower_change"),
        ]

    def __str__(self):
        return f"{self.day} {self.territory_id} {self.commune_id or '*'}: {self.change:+d}"

    @classmethod
    def add(cls, day, territory_id, commune_id, change):
        add_counts(cls, {"day": day, "territory_id": territory_id, "commune_id": commune_id}, change=change)
