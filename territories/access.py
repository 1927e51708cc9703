"""Who may open a console page: a signed-in user who has passed their second factor when they have
one, and who has set one up when a territory they belong to requires it.

console.middleware applies `console_access_redirect` to every URL of the `console:` namespace,
whichever app the view lives in, so that the rule cannot be forgotten page by page. The decorator
and mixin below apply the same rule again; views that still carry them need not.

It lives here, low, rather than in console: pages of other apps (api, relay, stats…) and the
admin reach it without importing the console."""
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from riverains.access import is_verified
from territories.models import Role, Territory


def must_use_two_factor(user):
    """True when the user coordinates, or operates for a member of, a territory requiring 2FA."""
    return (
        Territory.objects.filter(require_two_factor=True)
        .filter(
            Q(memberships__user=user, memberships__role=Role.COORDINATOR)
            | Q(organizations__memberships__user=user, organizations__memberships__role=Role.OPERATOR)
        )
        .exists()
    )


def _redirect_with_next(name, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def console_access_redirect(request, setting_up=False):
    """The redirect a request needs before it may see a console page, or None when it may."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("console:login"))
    if user_has_device(user):
        if not is_verified(user):
            return _redirect_with_next("console:two_factor_verify", request)
    elif not setting_up and must_use_two_factor(user):
        return _redirect_with_next("console:two_factor_setup", request)
    return None


def console_login_required(view=None, *, setting_up=False):
    """Decorate a console view. `setting_up=True` is for the page where the second factor is set up,
    which must stay reachable by those who are required to set one up."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            return console_access_redirect(request, setting_up) or view_func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


class ConsoleLoginRequiredMixin:
    """The same rule for class-based views."""

    def dispatch(self, request, *args, **kwargs):
        return console_access_redirect(request) or super().dispatch(request, *args, **kwargs)
