from django.urls import path

from . import hooks

app_name = "relay_hooks"
urlpatterns = [
    path("desabonnement/<str:token>/", hooks.unsubscribe, name="unsubscribe"),
    path("sms/entrant", hooks.inbound_sms, name="inbound_sms"),
    path("push/cle-publique", hooks.push_public_key, name="push_public_key"),
]
