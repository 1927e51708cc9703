"""Coordinators' view of the relay: per notice, deliveries sent, failed and pending per channel,
and the permanent failures with their reason. Scoped with Territory.objects.for_user; signing in and
the second factor are the console's one rule (console.middleware), as for every console URL."""
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notices.models import Notice
from riverains.forms import add_service_errors
from territories.models import Territory

from . import services
from .console_forms import SOCIAL_FORMS, WebhookForm
from .partner import partner_url
from .models import (
    RECENT_DELIVERIES,
    SOCIAL_CHANNELS,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    MessageKind,
    Subscription,
    delivery_counts,
    recent_deliveries,
)


def _notice_for(user, pk):
    territories = Territory.objects.for_user(user)
    notice = get_object_or_404(Notice.objects.select_related("territory"), pk=pk)
    if not territories.filter(pk=notice.territory_id).exists():
        raise Http404
    return notice


def channel_counts(notice):
    rows = (
        Delivery.objects.filter(revision__notice=notice)
        .values("channel")
        .annotate(**delivery_counts())
        .order_by("channel")
    )
    labels = dict(ChannelKind.choices)
    return [{**row, "label": labels.get(row["channel"], row["channel"])} for row in rows]


def notice_deliveries(request, pk):
    notice = _notice_for(request.user, pk)
    failures = (
        Delivery.objects.filter(revision__notice=notice, status=DeliveryStatus.FAILED)
        .select_related("revision")
        .order_by("-pk")[:200]
    )
    return render(request, "relay/console/notice.html", {
        "notice": notice, "counts": channel_counts(notice), "failures": failures,
    })


def overview(request):
    territories = Territory.objects.for_user(request.user)
    if not territories.exists():
        raise Http404(_("Vous ne coordonnez aucun territoire."))
    notices = (
        Notice.objects.filter(territory__in=territories, revisions__deliveries__isnull=False)
        .distinct()
        .select_related("territory")
        .order_by("-published_at")[:50]
    )
    return render(request, "relay/console/overview.html", {"notices": notices, "other_messages": other_messages(request.user)})


# Residents' addresses are shown masked, as on their own manage page; staff and invitees in full.
RESIDENTS_KINDS = {MessageKind.CONFIRMATION, MessageKind.REPORT_ANSWER}


def other_messages(user):
    """The latest messages that are not notices (confirmations, invitations, password resets,
    answers to reporters, alerts) with where they stand: what a coordinator checks when someone
    says they received nothing. Only superusers see those of no territory (password resets)."""
    rows = Delivery.objects.exclude(kind=MessageKind.NOTICE).select_related("subscription")
    if not user.is_superuser:
        rows = rows.filter(territory__in=Territory.objects.for_user(user))
    rows = list(rows.order_by("-pk")[:RECENT_DELIVERIES])
    for row in rows:
        row.shown_recipient = _masked(row.recipient) if row.kind in RESIDENTS_KINDS else row.recipient
    return rows


def _masked(address):
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}…@{domain}"
    return f"…{address[-2:]}" if address else ""


# --- partners' webhooks ---------------------------------------------------------------------


def _webhooks_for(user):
    return Subscription.objects.filter(
        channel=ChannelKind.WEBHOOK, territory__in=Territory.objects.for_user(user)
    ).select_related("territory")


def _webhook_list(request, form, status=200):
    territories = Territory.objects.for_user(request.user)
    if not territories.exists():
        raise Http404(_("Vous ne coordonnez aucun territoire."))
    webhooks = (
        _webhooks_for(request.user).prefetch_related("communes").with_delivery_counts().order_by("territory__name", "label")
    )
    return render(request, "relay/console/webhooks.html", {"webhooks": webhooks, "form": form}, status=status)


def webhooks(request):
    return _webhook_list(request, WebhookForm(request.user))


@never_cache  # the page shows the signing secret: no cache may keep it
def webhook_create(request):
    if request.method != "POST":
        return redirect("console:relay_webhooks")
    form = WebhookForm(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            webhook = services.create_webhook(data["territory"], data["url"], data["label"], data["communes"])
        except ValidationError as e:
            add_service_errors(form, e, {"address": "url"})
        else:
            return render(request, "relay/console/webhook_created.html", {
                "webhook": webhook, "partner_url": partner_url(webhook),
            })
    return _webhook_list(request, form, status=422)


def webhook_detail(request, pk):
    webhook = get_object_or_404(_webhooks_for(request.user).prefetch_related("communes"), pk=pk)
    return render(request, "relay/console/webhook.html", {
        "webhook": webhook, "deliveries": recent_deliveries(webhook), "partner_url": partner_url(webhook),
    })


@require_POST
def webhook_delete(request, pk):
    webhook = get_object_or_404(_webhooks_for(request.user), pk=pk)
    services.unsubscribe(webhook)
    flash.success(request, _("Le webhook « %(label)s » est supprimé : plus rien ne lui sera envoyé.") % {"label": webhook.label})
    return redirect("console:relay_webhooks")


# --- the territory's Mastodon and Bluesky accounts ------------------------------------------


def _accounts_for(user):
    return Subscription.objects.filter(
        channel__in=SOCIAL_CHANNELS, territory__in=Territory.objects.for_user(user)
    ).select_related("territory")


def _social_page(request, forms=None, status=200):
    if not Territory.objects.for_user(request.user).exists():
        raise Http404(_("Vous ne coordonnez aucun territoire."))
    forms = {kind: form_class(request.user) for kind, form_class in SOCIAL_FORMS.items()} | (forms or {})
    accounts = _accounts_for(request.user).with_delivery_counts().order_by("territory__name", "channel", "address")
    failures = (
        Delivery.objects.filter(subscription__in=_accounts_for(request.user), status=DeliveryStatus.FAILED)
        .select_related("revision__notice", "subscription")
        .order_by("-pk")[:20]
    )
    return render(request, "relay/console/social.html", {
        "accounts": accounts, "failures": failures, "mastodon_form": forms["mastodon"], "bluesky_form": forms["bluesky"],
    }, status=status)


def social_accounts(request):
    return _social_page(request)


@require_POST
def social_account_create(request, kind):
    if kind not in SOCIAL_FORMS:
        raise Http404
    form = SOCIAL_FORMS[kind](request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            account = services.configure_social_account(data["territory"], kind, data["address"], data["secret"])
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            flash.success(request, _("Le compte %(label)s est configuré : les prochains messages du territoire y seront publiés.")
                          % {"label": account.label})
            return redirect("console:relay_social")
    return _social_page(request, {kind: form}, status=422)


@require_POST
def social_account_delete(request, pk):
    account = get_object_or_404(_accounts_for(request.user), pk=pk)
    services.unsubscribe(account)
    flash.success(request, _("Le compte %(label)s est retiré : plus rien n'y sera publié.") % {"label": account.label})
    return redirect("console:relay_social")


