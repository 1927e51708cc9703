import pytest

from api.models import ApiToken


@pytest.fixture
def token_a(world):
    """(token, clear value) of organization A, created by operator A."""
    return ApiToken.issue(world.org_a, "Supervision A", world.operator_a)


@pytest.fixture
def token_b(world):
    return ApiToken.issue(world.org_b, "Supervision B", world.operator_b)


@pytest.fixture
def bearer():
    def headers(clear):
        return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}

    return headers
