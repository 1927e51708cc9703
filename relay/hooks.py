"""Machine-facing endpoints: RFC 8058 one-click unsubscribe, inbound SMS (Kannel's sms-service
and Twilio's messaging webhook), the VAPID public key for the subscribe page's script."""
import hmac

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from riverains.provider_signature import is_signed

from . import conf, gsm, inbound, services, tokens

STOP_WORDS = {"STOP", "ARRET", "ARRÊT", "STOPSMS", "DESABONNEMENT", "UNSUBSCRIBE"}  # English SMS say "STOP=unsubscribe"


@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = tokens.subscription_for_manage_token(token)
    if request.method == "POST":
        if subscription is not None:
            services.unsubscribe(subscription)
        return render(request, "relay/left.html", {"territory": subscription.territory if subscription else None})
    if subscription is None:
        return render(request, "relay/invalid.html", {}, status=404)
    return render(request, "relay/unsubscribe.html", {"territory": subscription.territory})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound_sms(request):
    """Kannel sms-service: get-url = ".../relais/sms/entrant?token=SECRET&from=%p&to=%P&text=%a", with
    max-messages = 0 (answers go through the outbox; the receiving number, or &territoire=SLUG, tells
    a territory's own number)."""
    params = request.POST if request.method == "POST" else request.GET
    expected = conf.inbound_sms_token()
    if not expected or not hmac.compare_digest(params.get("token", ""), expected):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    # A non-empty body is sent back by Kannel as the reply SMS (the STOP-only answer below).
    reply = _answer(params.get("from", ""), params.get("text", ""), params.get("territoire", ""), params.get("to", ""))
    return HttpResponse(reply, content_type="text/plain; charset=utf-8")


def _answer(phone, text, territory_slug="", receiver=""):
    """Handle one inbound SMS; returns the reply (GSM-7 only, one SMS), in the number's language,
    or "" when the registered keyword handler (relay.inbound) queued its answer in the outbox."""
    keywords = inbound.handler()
    if keywords is not None:
        keywords(phone, text, territory_slug, receiver)
        return ""
    with translation.override(services.sms_language(phone)):  # read before STOP deletes it
        if text.strip().upper().rstrip(".! ") in STOP_WORDS:
            removed = services.stop_sms(phone)
            reply = _("Vous etes desabonne, vos donnees sont effacees.") if removed else _("Aucun abonnement pour ce numero.")
        else:
            reply = _("Envoyez STOP pour vous desabonner.")
    return gsm.to_gsm(reply)


@csrf_exempt
@require_http_methods(["POST"])
def inbound_twilio(request):
    """Twilio's messaging webhook (the number's "A message comes in" URL): form-encoded From and
    Body, signed in X-Twilio-Signature with the account's auth token over the public URL (as the
    phone line's webhooks: riverains.provider_signature)."""
    from twilio.twiml.messaging_response import MessagingResponse

    if not is_signed(request, conf.twilio_auth_token()):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    reply = MessagingResponse()
    text = _answer(request.POST.get("From", ""), request.POST.get("Body", ""), request.GET.get("territoire", ""),
                   request.POST.get("To", ""))
    if text:  # an empty <Response/>: the answer, if any, leaves through the outbox
        reply.message(text)
    return HttpResponse(str(reply), content_type="application/xml")


@require_GET
def push_public_key(request):
    return JsonResponse({"publicKey": conf.vapid_public_key()})
