import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Pages are cached per territory fingerprint; every test starts from a cold cache."""
    cache.clear()
    yield
    cache.clear()


def page_text(response):
    return response.content.decode()
