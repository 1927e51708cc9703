"""Subscriptions (abonnements) and deliveries (envois): the relay's outbox.

A Delivery row is written in the same transaction as the notice revision it carries (see
relay.outbox); the worker (relay.sender) sends it and records the outcome. The unique key
(revision, subscription, channel) makes writing the outbox twice harmless."""
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Category, Revision
from territories.models import Commune, Site, Territory


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("notification du navigateur")
    WEBHOOK = "webhook", _("webhook (partenaires)")
    # The territory's own accounts, set up by the coordinator in the console.
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")


# Channels the coordinator configures (never offered on the public subscribe form).
SOCIAL_CHANNELS = (ChannelKind.MASTODON, ChannelKind.BLUESKY)


class Digest(models.TextChoices):
    IMMEDIATE = "immediate", _("dès la publication")
    DAILY = "daily", _("un récapitulatif par jour")


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def with_delivery_counts(self):
        """Each subscription with its sent / failed / pending deliveries (webhooks, social accounts)."""
        return self.annotate(**delivery_counts("deliveries"))


# The page languages, then the languages a notice's summary also exists in.
READING_LANGUAGES = list(settings.LANGUAGES) + [
    (code, name) for code, name in settings.SUMMARY_LANGUAGES if code not in dict(settings.LANGUAGES)
]


class Subscription(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="subscriptions")
    channel = models.CharField(_("canal"), max_length=10, choices=ChannelKind.choices)
    # E-mail (lower-cased), phone in E.164, push endpoint URL, webhook URL, Mastodon instance URL
    # or Bluesky handle.
    address = models.CharField(_("adresse"), max_length=1000)
    # Push: the browser's p256dh and auth keys; webhook: nothing.
    push_keys = models.JSONField(default=dict, blank=True)
    # Webhook: the Standard Webhooks secret ("whsec_" + base64), shown once to the partner.
    # Mastodon: the access token; Bluesky: the app password. Stored as given (the channel needs
    # them in clear to post) and never displayed back.
    secret = models.CharField(max_length=500, blank=True)
    label = models.CharField(_("nom du partenaire"), max_length=200, blank=True)
    communes = models.ManyToManyField(Commune, related_name="subscriptions", blank=True, verbose_name=_("communes"))
    sites = models.ManyToManyField(Site, related_name="subscriptions", blank=True, verbose_name=_("sites"))
    # ",torchage,bruit," — portable "contains" filtering on SQLite and PostgreSQL; empty = all.
    categories = models.CharField(_("catégories"), max_length=200, blank=True)
    digest = models.CharField(_("rythme"), max_length=10, choices=Digest.choices, default=Digest.IMMEDIATE)
    quiet_start = models.TimeField(_("silence à partir de"), null=True, blank=True)
    quiet_end = models.TimeField(_("silence jusqu'à"), null=True, blank=True)
    # The language of the page the resident subscribed on: the fixed parts of every message
    # (headline, labels, times, links) are in it; the operator's text stays as written (French).
    # Webhooks and the territory's social accounts keep the default: the territory speaks French.
    # A summary-only language (Arabic, Spanish, Portuguese, Turkish: issue 16) adds the notice's
    # structured summary in it; the fixed parts and links are then French (riverains.languages).
    language = models.CharField(_("langue"), max_length=10, choices=READING_LANGUAGES, default="fr")
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # HMAC of the confirmation token (e-mail) or code (SMS); the secret itself is never stored.
    confirmation_hash = models.CharField(max_length=64, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    # Part of the signed manage link: changing it revokes every link sent so far.
    manage_nonce = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(fields=["territory", "channel", "address"], name="unique_subscription_address"),
        ]
        indexes = [models.Index(fields=["territory", "confirmed_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def category_list(self):
        return [c for c in self.categories.split(",") if c]

    @category_list.setter
    def category_list(self, values):
        chosen = [c for c in Category.values if c in set(values or [])]
        self.categories = f",{','.join(chosen)}," if chosen else ""

    def in_quiet_hours(self, moment=None):
        """Whether `moment` (now) falls in the subscriber's SMS quiet hours, in Paris time."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        local = timezone.localtime(moment or timezone.now()).time()
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end  # spans midnight, e.g. 22h–7h

    def quiet_hours_end(self, moment=None):
        """Next end of the quiet hours after `moment`, as an aware datetime."""
        local = timezone.localtime(moment or timezone.now())
        end = local.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute, second=0, microsecond=0)
        if end <= local:
            end += timezone.timedelta(days=1)
        return end


DEFAULT_QUIET_START, DEFAULT_QUIET_END = time(22, 0), time(7, 0)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENDING = "sending", _("en cours d'envoi")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec définitif")


class MessageKind(models.TextChoices):
    """What a delivery carries: a notice's revision, or one of the messages a person receives
    from Riverains outside the fan-out — all through the same outbox, sender, retries and errors."""

    NOTICE = "notice", _("message d'un site")
    CONFIRMATION = "confirmation", _("confirmation d'abonnement")
    INVITATION = "invitation", _("invitation à la console")
    PASSWORD_RESET = "password_reset", _("mot de passe oublié")
    REPORT_ANSWER = "report_answer", _("réponse à un signalement")
    # A new episode of unexplained reports, a cap reached: told to the territory's team.
    STAFF_ALERT = "staff_alert", _("alerte à l'équipe du territoire")
    # The answer to an SMS a resident sent to the territory's number (INFO, ODEUR, ABO, STOP…).
    SMS_ANSWER = "sms_answer", _("réponse à un SMS")


# Kinds whose recipient gave their address for this one message (a reporter asking for the
# outcome): the row forgets it once the message has left.
FORGET_ADDRESS_ONCE_SENT = {MessageKind.REPORT_ANSWER, MessageKind.SMS_ANSWER}


class Priority(models.IntegerChoices):
    """Claimed lowest first: someone waiting for a code or a link goes before a fan-out of
    thousands of notices."""

    WAITING = 0, _("une personne attend ce message")
    STAFF = 1, _("équipe du territoire, signaleurs")
    BULK = 5, _("envoi aux abonnés")


class Delivery(models.Model):
    """One message to one recipient on one channel: the outbox row. Mostly a notice's revision to
    a subscription; otherwise (`kind`) a confirmation, an invitation, a password reset, an answer
    to a reporter or an alert to a territory's team, built at send time by its kind (relay.transactional)."""

    # Empty for messages that are not a notice.
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    # Kept (as NULL) when the subscriber leaves, so the coordinator's counts stay true.
    subscription = models.ForeignKey(Subscription, on_delete=models.SET_NULL, null=True, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=ChannelKind.choices)
    kind = models.CharField(_("message"), max_length=20, choices=MessageKind.choices, default=MessageKind.NOTICE)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.BULK)
    # The recipient when it is not a subscription: an invitee, a staff member, a reporter.
    address = models.CharField(max_length=1000, blank=True)
    # Whose console shows the message (notices: their own territory).
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The row the message is about (an invitation, a user, a report, an episode), per `kind`.
    reference = models.PositiveBigIntegerField(null=True, blank=True)
    # What the kind's builder needs besides `reference`; never a secret (links with a token are
    # made at send time, so that a copy of the database holds no working link).
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_id = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # While a worker sends the row's batch it pushes this forward (heartbeat, relay.sender); a row
    # still "sending" past it belongs to a dead worker and goes back to pending.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(fields=["revision", "subscription", "channel"], name="unique_delivery"),
        ]
        indexes = [
            models.Index(fields=["status", "priority", "next_attempt_at"], name="relay_delivery_due_first"),
            models.Index(fields=["kind", "reference"], name="relay_delivery_message", condition=~Q(kind="notice")),
            models.Index(fields=["claim_id"], name="relay_delivery_claim", condition=~Q(claim_id="")),
            models.Index(fields=["lease_until"], name="relay_delivery_lease", condition=Q(status="sending")),
        ]

    def __str__(self):
        if self.kind != MessageKind.NOTICE:
            return f"{self.channel} {self.kind} #{self.reference or self.subscription_id} {self.status}"
        return f"{self.channel} r{self.revision_id} s{self.subscription_id} {self.status}"

    @property
    def recipient(self):
        """The address this message goes to; empty once the subscriber has left."""
        if self.address:
            return self.address
        return self.subscription.address if self.subscription is not None else ""


RECENT_DELIVERIES = 50


def delivery_counts(relation=""):
    """sent / failed / pending as Count expressions: over Delivery rows themselves (values() or
    aggregate()), or over a related model's `relation` to them."""
    status = f"{relation}__status" if relation else "status"
    counted = relation or "pk"
    return {
        "sent": Count(counted, filter=Q(**{status: DeliveryStatus.SENT})),
        "failed": Count(counted, filter=Q(**{status: DeliveryStatus.FAILED})),
        "pending": Count(counted, filter=Q(**{f"{status}__in": [DeliveryStatus.PENDING, DeliveryStatus.SENDING]})),
    }


def recent_deliveries(subscription):
    """A webhook's latest deliveries, newest first: the coordinator's page and the partner's."""
    return (
        Delivery.objects.filter(subscription=subscription)
        .select_related("revision__notice")
        .order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
    )
