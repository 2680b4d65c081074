"""The bot's service account: a plain user holding the `gamestats.ingest` permission, calling with an API key."""

from __future__ import annotations

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
