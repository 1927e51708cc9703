"""One rule for every console page, whichever app the page lives in: a view in the `console:` URL
namespace opens only for a signed-in user who has passed their second factor when they have one,
and who has set one up when a territory they belong to requires it. No decorator to remember: a
page added to the console tomorrow is covered the day it is added. The few pages that must open
before that (signing in, resetting a password, accepting an invitation, typing or setting up the
code) are listed below, and only there.

Every console response also forbids any cache, the browser's included, to store it: the pages
show residents' comments, subscribers' figures and secrets shown once."""
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from territories.access import console_access_redirect

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # a password is enough: the page where the code is typed in
SETTING_UP = "setting up"  # the page where the second factor is set up, by those who must have one

ACCESS_EXCEPTIONS = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "invitation_accept": PUBLIC,
    "two_factor_verify": SIGNED_IN,
    "two_factor_setup": SETTING_UP,
}


def in_console(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespaces[:1] == ["console"]


class ConsoleAccessMiddleware:
    """After the authentication and OTP middleware (it reads request.user.is_verified())."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if in_console(request):
            add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not in_console(request):
            return None
        access = ACCESS_EXCEPTIONS.get(request.resolver_match.url_name)
        if access == PUBLIC:
            return None
        if access == SIGNED_IN:
            if request.user.is_authenticated:
                return None
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        return console_access_redirect(request, setting_up=access == SETTING_UP)
