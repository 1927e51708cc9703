"""Machine-facing endpoints: RFC 8058 one-click unsubscribe, Kannel's inbound SMS, the VAPID
public key for the subscribe page's script."""
import hmac

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import conf, services

STOP_WORDS = {"STOP", "ARRET", "ARRÊT", "STOPSMS", "DESABONNEMENT"}


@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = services.subscription_for_manage_token(token)
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
    """Kannel sms-service: get-url = ".../relais/sms/entrant?token=SECRET&from=%p&text=%a"."""
    params = request.POST if request.method == "POST" else request.GET
    expected = conf.inbound_sms_token()
    if not expected or not hmac.compare_digest(params.get("token", ""), expected):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    word = params.get("text", "").strip().upper().rstrip(".! ")
    if word in STOP_WORDS:
        removed = services.stop_sms(params.get("from", ""))
        text = "Vous etes desabonne, vos donnees sont effacees." if removed else "Aucun abonnement pour ce numero."
    else:
        text = "Envoyez STOP pour vous desabonner."
    # Kannel sends the body of the answer back to the sender as the reply SMS.
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_GET
def push_public_key(request):
    return JsonResponse({"publicKey": conf.vapid_public_key()})
