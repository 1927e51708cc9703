import pytest
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
