import pytest
from django.core.cache import cache
from django.utils import translation

from riverains.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French, whatever language an earlier test left active."""
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test's database: cached territory pages and the rate limits of the
    forms (keyed by network address, and every test client comes from 127.0.0.1) start empty."""
    cache.clear()
    yield
    cache.clear()
