from django.http import HttpResponse
from django.test import RequestFactory

from riverains.middleware import ProxiedClientAddressMiddleware


def seen_address(settings, count, forwarded, remote="127.0.0.1"):
    settings.TRUSTED_PROXY_COUNT = count
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    ProxiedClientAddressMiddleware(view)(request)
    return seen["addr"]


def test_behind_one_proxy_the_resident_address_is_the_one_nginx_saw(settings):
    assert seen_address(settings, 1, "203.0.113.7") == "203.0.113.7"


def test_an_address_forged_by_the_client_is_ignored(settings):
    # The client wrote "10.0.0.1"; nginx appended the real address it saw.
    assert seen_address(settings, 1, "10.0.0.1, 203.0.113.7") == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_not_believed(settings):
    assert seen_address(settings, 0, "203.0.113.7") == "127.0.0.1"
