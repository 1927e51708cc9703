# Included in the "console" namespace: names are prefixed with relay_.
from django.urls import path

from . import console_views

urlpatterns = [
    path("", console_views.overview, name="relay_overview"),
    path("messages/<int:pk>/", console_views.notice_deliveries, name="relay_notice"),
    path("webhooks/", console_views.webhooks, name="relay_webhooks"),
    path("webhooks/nouveau/", console_views.webhook_create, name="relay_webhook_create"),
    path("webhooks/<int:pk>/", console_views.webhook_detail, name="relay_webhook"),
    path("webhooks/<int:pk>/supprimer/", console_views.webhook_delete, name="relay_webhook_delete"),
    path("comptes/", console_views.social_accounts, name="relay_social"),
    path("comptes/<slug:kind>/", console_views.social_account_create, name="relay_social_create"),
    path("comptes/<int:pk>/supprimer/", console_views.social_account_delete, name="relay_social_delete"),
]
