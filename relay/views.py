"""Public subscription pages (no account): subscribe, confirm, manage, leave. Nothing is sent
from here: confirmation messages are outbox rows, sent by the relay's sender (run_relay)."""
import json

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from riverains import ratelimit
from riverains.forms import add_service_errors
from territories.models import Territory

from . import conf, services, tokens
from .forms import CodeForm, PreferencesForm, SubscribeForm
from .models import DEFAULT_QUIET_END, DEFAULT_QUIET_START, ChannelKind

FORM_WINDOW = 3600


def _territory(slug):
    return get_object_or_404(Territory.objects.published(), slug=slug)


def _too_many_posts(request):
    """At most a few form posts per network address and hour, counted across every process."""
    address = request.META.get("REMOTE_ADDR", "")
    return not ratelimit.hit("relay.form", address, conf.form_posts_per_hour(), FORM_WINDOW).allowed


def _quiet(form):
    return (DEFAULT_QUIET_START, DEFAULT_QUIET_END) if form.cleaned_data.get("quiet_hours") else (None, None)


@require_http_methods(["GET", "POST"])
def subscribe(request, territory):
    territory = _territory(territory)
    form = SubscribeForm(territory, request.POST or None, commune_search=request.GET.get("commune", ""))
    status = 200
    if request.method == "POST":
        if _too_many_posts(request):
            form.add_error(None, _("Trop de demandes depuis votre connexion. Réessayez dans une heure."))
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:  # a bot: look successful, do nothing
                return redirect("relay:sent", territory.slug)
            response = _subscribe(request, territory, form)
            if response is not None:
                return response
        if status == 200:
            status = 400
    return render(request, "relay/subscribe.html", {"territory": territory, "form": form,
                                                      "vapid_public_key": conf.vapid_public_key(),
                                                      **_sms_keywords(territory)}, status=status)


def _sms_keywords(territory):
    """The SMS line's number and an example place (the most populous commune's) for the keywords
    section; nothing when the deployment has no SMS line (textline answers it)."""
    from notices.town_hall import sms_number, sms_place

    number = sms_number(territory)
    example = territory.communes.order_by("-population", "code").first() if number else None
    return {"sms_number": number, "sms_example": sms_place(example) if example else ""}


def _subscribe(request, territory, form):
    data = form.cleaned_data
    channel = data["channel"]
    address, keys = data["address"], None
    if channel == ChannelKind.PUSH:
        try:
            push = json.loads(data["push_subscription"] or "{}")
        except ValueError:
            push = {}
        address, keys = push.get("endpoint", ""), push.get("keys")
    quiet_start, quiet_end = _quiet(form)
    try:
        subscription = services.subscribe(
            territory, channel, address, data["communes"], sites=data["sites"], categories=data["categories"],
            digest=data.get("digest") or "immediate", quiet_start=quiet_start, quiet_end=quiet_end, push_keys=keys,
            # The page's language (/en/… is English), or the summary's language the resident chose.
            language=data.get("summary_language") or request.LANGUAGE_CODE,
        )
    except ValidationError as e:
        add_service_errors(form, e)
        return None
    if channel == ChannelKind.SMS:
        return redirect("relay:code", territory.slug, tokens.code_page_token(subscription))
    if channel == ChannelKind.PUSH:
        return redirect("relay:manage", territory.slug, tokens.manage_token(subscription))
    return redirect("relay:sent", territory.slug)


def sent(request, territory):
    territory = _territory(territory)
    return render(request, "relay/sent.html", {"territory": territory})


@require_http_methods(["GET", "POST"])
def code(request, territory, token):
    territory = _territory(territory)
    subscription = tokens.subscription_for_code_page(token)
    if subscription is None or subscription.territory_id != territory.pk:
        return render(request, "relay/invalid.html", {"territory": territory}, status=404)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_code(subscription, form.cleaned_data["code"])
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            return _confirmed(request, subscription)
    status = 400 if request.method == "POST" else 200
    return render(request, "relay/code.html", {"territory": territory, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request, territory, token):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    territory = _territory(territory)
    if request.method == "POST":
        try:
            subscription = services.confirm_email(token)
        except ValidationError as e:
            return render(request, "relay/invalid.html", {"territory": territory, "error": e.messages[0]}, status=400)
        return _confirmed(request, subscription)
    return render(request, "relay/confirm.html", {"territory": territory})


def _confirmed(request, subscription):
    flash.success(request, _("Votre abonnement est confirmé. Vous recevrez les prochains messages."))
    return redirect("relay:manage", subscription.territory.slug, tokens.manage_token(subscription))


@require_http_methods(["GET", "POST"])
def manage(request, territory, token):
    territory = _territory(territory)
    subscription = tokens.subscription_for_manage_token(token)
    if subscription is None or subscription.territory_id != territory.pk:
        return render(request, "relay/invalid.html", {"territory": territory}, status=404)
    if request.method == "POST" and request.POST.get("action") == "unsubscribe":
        services.unsubscribe(subscription)
        return redirect("relay:left", territory.slug)
    initial = {
        "communes": subscription.communes.all(), "sites": subscription.sites.all(),
        "categories": subscription.category_list, "digest": subscription.digest,
        "quiet_hours": subscription.quiet_start is not None,
        "summary_language": "" if subscription.language == "fr" else subscription.language,
    }
    form = PreferencesForm(territory, request.POST or None, initial=initial,
                           commune_search=request.GET.get("commune", ""))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            quiet_start, quiet_end = _quiet(form)
            try:
                services.update_preferences(
                    subscription, form.cleaned_data["communes"], sites=form.cleaned_data["sites"],
                    categories=form.cleaned_data["categories"], digest=form.cleaned_data.get("digest"),
                    quiet_start=quiet_start, quiet_end=quiet_end,
                    language=(form.cleaned_data.get("summary_language") or "fr")
                    if subscription.channel == ChannelKind.EMAIL else None,
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                flash.success(request, _("Vos préférences sont enregistrées."))
                return redirect(request.path)
        status = 400
    return render(request, "relay/manage.html", {
        "territory": territory, "form": form, "subscription": subscription,
        "masked_address": mask(subscription),
    }, status=status)


def left(request, territory):
    territory = _territory(territory)
    return render(request, "relay/left.html", {"territory": territory})


def mask(subscription):
    """Enough of the address for its owner to recognise it, not enough to read it over a shoulder."""
    address = subscription.address
    if subscription.channel == ChannelKind.EMAIL:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}…@{domain}"
    if subscription.channel == ChannelKind.SMS:
        return f"…{address[-2:]}"
    return _("ce navigateur")


