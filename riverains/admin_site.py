"""The Django admin, for superusers only, behind the same door as the console: the console's
login (throttled by axes) and its second factor. A superuser can change every territory, so in
production the admin also insists that they have set up a second factor at all."""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from riverains.access import is_verified


def _second_factor_missing(user):
    """The console page the user must pass before the admin opens, or None."""
    if user_has_device(user):
        return None if is_verified(user) else "console:two_factor_verify"
    return "console:two_factor_setup" if settings.ADMIN_REQUIRE_TWO_FACTOR else None


class RiverainsAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and _second_factor_missing(user) is None

    def login(self, request, extra_context=None):
        # The admin's own login form would bypass the second factor: send everyone to the console's.
        target = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated:
            if not (user.is_active and user.is_staff):
                raise PermissionDenied  # an operator or coordinator: the console is theirs, not the admin
            step = _second_factor_missing(user)
            if step:
                return redirect(f"{reverse(step)}?{urlencode({'next': target})}")
        return redirect_to_login(target, reverse("console:login"))
