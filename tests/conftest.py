"""Personas shared by every test (healthchecks-style): alice owns things, bob is another user, guest is
read-only, staff administers. All run against the real PostgreSQL with pgvector."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections
from rest_framework.test import APIClient

from accounts.models import Role, User
from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Close every connection pool before the test database is created. Django's PostgreSQL backend hands out a
    pool's connections to the database the pool was opened for, and doesn't close the pool when it creates the test
    database: the API fuzzing test loads the OpenAPI schema at import, which reads a site setting, so every test
    then ran against the development database, and the ones that flush flushed it."""
    for alias in connections:
        connections[alias].close()
        connections[alias].close_pool()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Throttle counters, cached site settings and provider endpoints must not leak between tests.
    from ai.services import forget_endpoints

    cache.clear()
    forget_endpoints()


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
def admin_client(client, staff):
    """The test client signed in as a superuser (replaces pytest-django's, which assumes a username)."""
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.force_login(staff)
    return client


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


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs() -> None:
    """Pages are read in three languages: compile the catalogs as `make run` does (also when pytest runs alone)."""
    from quillium_site import catalogs

    catalogs.compile_all()


@pytest.fixture(scope="session")
def fake_llm_server():
    """The loopback OpenAI-protocol server, shared by the session and re-scripted per test."""
    from tests.fakes.openai_server import FakeOpenAI

    server = FakeOpenAI().start()
    yield server
    server.stop()


FAKE_PROVIDER_KEY = "sk-test-3f9a1c77e2b84d0a"


@pytest.fixture
def fake_llm(fake_llm_server, db):
    """A `chat` AI config pointing at the fake provider (2 s timeout), with a fresh default script."""
    from ai.models import AIConfig
    from ai.services import ai_config_save

    fake_llm_server.script()
    ai_config_save(
        AIConfig(key="chat", base_url=fake_llm_server.url, model="fake-small", timeout_seconds=2),
        api_key=FAKE_PROVIDER_KEY,
    )
    return fake_llm_server


@pytest.fixture(scope="session")
def asgi_server():
    """The real ASGI stack (uvicorn + Django) on a loopback port, for streaming tests (use transactional_db)."""
    import socket
    import threading
    import time

    import uvicorn
    from django.core.asgi import get_asgi_application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(get_asgi_application(), host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
