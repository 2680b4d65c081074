"""Sync leaves no trace for read-only principals, and tells nobody which memo ids other users hold."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey
from memos.models import Memo, SyncCursor
from memos.notes import services
from tests.accounts.factories import api_key_for

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/sync/"


def read_only_key_client(user) -> APIClient:
    _, raw_key = api_key_for(user, scope=ApiKey.Scope.READ)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


@pytest.mark.parametrize("principal", ["guest", "read_only_key"])
def test_read_only_principals_pull_without_creating_device_records(principal, guest_api, alice):
    client = guest_api if principal == "guest" else read_only_key_client(alice)

    first = client.get(SYNC, {"client_id": "kiosk"})
    second = client.get(SYNC, {"client_id": "kiosk", "cursor": first.json()["cursor"]})

    assert first.status_code == second.status_code == 200
    assert SyncCursor.objects.count() == 0


def test_a_writer_pulling_with_a_cursor_still_records_the_device(alice_api):
    assert alice_api.get(SYNC, {"client_id": "laptop", "cursor": 0}).status_code == 200

    assert SyncCursor.objects.filter(client_id="laptop").exists()


def push(api, change):
    response = api.post(SYNC, {"client_id": "laptop", "changes": [change]}, format="json")
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    result.pop("id")
    return result


@pytest.mark.parametrize(
    "change",
    [
        {"base_revision": 1, "content": "mine now"},
        {"base_revision": 3, "is_deleted": True},
        {"base_revision": 1, "pinned": True},
        {"pinned": True},
    ],
)
def test_pushing_over_another_users_memo_answers_like_an_unknown_id(alice_api, bob, change):
    secret = services.memo_create(owner=bob, content="bob's secret")

    foreign = push(alice_api, {"type": "memo", "id": str(secret.pk), **change})
    unknown = push(alice_api, {"type": "memo", "id": str(uuid.uuid4()), **change})

    assert foreign == unknown
    assert Memo.objects.get(pk=secret.pk).content == "bob's secret"
    assert not Memo.objects.get(pk=secret.pk).pinned


def test_creating_a_memo_under_another_users_id_is_refused_without_revealing_it(alice_api, bob):
    secret = services.memo_create(owner=bob, content="bob's secret")

    result = push(alice_api, {"type": "memo", "id": str(secret.pk), "content": "mine"})

    assert result["status"] == "conflict" and result["data"] is None
    assert "secret" not in str(result)
    assert Memo.objects.filter(owner__email="alice@example.com").count() == 0
