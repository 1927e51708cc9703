from django.urls import path

from . import hooks, partner

app_name = "relay_hooks"
urlpatterns = [
    path("desabonnement/<str:token>/", hooks.unsubscribe, name="unsubscribe"),
    path("sms/entrant", hooks.inbound_sms, name="inbound_sms"),
    path("sms/twilio", hooks.inbound_twilio, name="inbound_twilio"),
    path("webhook/suivi/<str:token>/", partner.webhook_status, name="webhook_partner"),
    path("push/cle-publique", hooks.push_public_key, name="push_public_key"),
]
