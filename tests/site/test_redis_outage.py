"""Redis as the cache, stopped and started again under a running site: pages keep working from PostgreSQL, sign-in
pauses with a clear 503 rather than letting guesses through uncounted (the throttle fails closed), and once Redis
is back the throttle counts again."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts import site_settings
from tests.fakes import redis_server

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def redis_cache(tmp_path: Path) -> Iterator[redis_server.RedisServer]:
    assert redis_server.available(), "these tests need Debian's redis-server (.ci/run installs it)"
    server = redis_server.RedisServer(tmp_path)
    server.start()
    cache = {"default": {"BACKEND": "quillium_site.cache.ResilientRedisCache", "LOCATION": server.url}}
    try:
        with override_settings(CACHES=cache):
            yield server
    finally:
        server.stop()


def test_pages_work_and_sign_in_pauses_while_redis_is_away(redis_cache, client, api, alice, password, caplog):
    credentials = {"email": alice.email, "password": password}
    assert api.post(TOKEN, credentials, format="json").status_code == 200
    assert client.get(reverse("accounts:register")).status_code == 200

    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="quillium.cache")

    for _ in range(3):  # pages that read cached settings fall back on the database
        assert client.get(reverse("accounts:register")).status_code == 200
    site_settings.set_value("registration_open", False)
    assert client.get(reverse("accounts:register")).status_code == 403  # the change is seen at once, no stale cache
    answer = api.post(TOKEN, credentials, format="json")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert answer.json() == {
        "detail": "Signing in is paused for a moment; try again in a few seconds.",
        "code": "counting_unavailable",
    }
    page = client.post(reverse("accounts:login"), {"username": alice.email, "password": password})
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "Signing in is paused for a moment" in page.content.decode()
    assert "_auth_user_id" not in client.session  # failing closed: nobody signed in uncounted
    warnings = [record for record in caplog.records if record.name == "quillium.cache"]
    assert len(warnings) == 1  # once per half-minute, not once per request

    redis_cache.start()  # same port: the connection pool reconnects by itself

    assert api.post(TOKEN, credentials, format="json").status_code == 200
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    wrong = {"email": alice.email, "password": "wrong"}
    statuses = [api.post(TOKEN, wrong, format="json").status_code for _ in range(allowed + 1)]
    assert statuses[: allowed - 1] == [401] * (allowed - 1)  # the good attempt above counted too
    assert statuses[-2:] == [429, 429]
