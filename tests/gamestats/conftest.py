"""The bot's service account: a plain user holding the `gamestats.ingest` permission, calling with an API key."""

from __future__ import annotations

import importlib
import itertools
import time

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from accounts.services import api_key_create
from gamestats.snowflakes import DISCORD_EPOCH_MS
from tests.accounts.factories import UserFactory

_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, valid Discord id (minted a year ago)."""
    ms = int(time.time() * 1000) - 365 * 24 * 3600 * 1000 - DISCORD_EPOCH_MS
    return str((ms << 22) + next(_counter))


def key_client(user) -> APIClient:
    _, raw = api_key_create(user=user, name="bot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def service_account(db):
    user = UserFactory(email="bot@example.com", name="UtilsBot+")
    user.user_permissions.add(Permission.objects.get(codename="ingest", content_type__app_label="gamestats"))
    return user


@pytest.fixture
def bot(service_account) -> APIClient:
    return key_client(service_account)


@pytest.fixture
def staff_key(staff) -> APIClient:
    return key_client(staff)


@pytest.fixture(autouse=True)
def built_in_games(request):
    """The eight games migration 0002 registers; a test that flushed the database (transaction=True) before this
    one took them away with everything else."""
    if not request.node.get_closest_marker("django_db"):
        return
    from gamestats.models import Game

    migration = importlib.import_module("gamestats.migrations.0002_games")
    for key, label, max_score in migration.BUILT_IN:
        Game.objects.get_or_create(
            key=key, defaults={"label": label, "max_score": max_score, "achievements": migration.ACHIEVEMENTS}
        )
