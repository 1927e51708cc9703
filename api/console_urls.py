"""API tokens in the console (included at /console/jetons/ in the `console:` namespace)."""
from django.urls import path

from . import console_views

urlpatterns = [
    path("", console_views.token_list, name="token_list"),
    path("nouveau/", console_views.token_create, name="token_create"),
    path("<int:pk>/revoquer/", console_views.token_revoke, name="token_revoke"),
]
