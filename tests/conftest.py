"""Personas shared by every test (healthchecks-style): alice owns things, bob is another user, guest is
read-only, staff administers. All run against the real PostgreSQL with pgvector."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role, User
from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Throttle counters and cached site settings must not leak from one test into the next.
    cache.clear()


@pytest.fixture
def alice(db) -> User:
    return UserFactory(email="alice@example.com", name="Alice")


@pytest.fixture
def bob(db) -> User:
    return UserFactory(email="bob@example.com", name="Bob")


@pytest.fixture
def guest(db) -> User:
    return UserFactory(email="guest@example.com", name="Guest", role=Role.GUEST)


@pytest.fixture
def staff(db) -> User:
    return UserFactory(email="staff@example.com", name="Staff", role=Role.ADMIN)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def jwt_client(user: User) -> APIClient:
    """An API client that sends a fresh access token for `user`."""
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def alice_api(alice: User) -> APIClient:
    return jwt_client(alice)


@pytest.fixture
def bob_api(bob: User) -> APIClient:
    return jwt_client(bob)


@pytest.fixture
def guest_api(guest: User) -> APIClient:
    return jwt_client(guest)
