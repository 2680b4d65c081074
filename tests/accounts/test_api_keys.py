from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey, UserSettings
from tests.accounts.factories import api_key_for

pytestmark = pytest.mark.django_db

KEYS = "/api/v1/api-keys/"
SETTINGS = "/api/v1/me/settings/"


def key_client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return client


def test_create_shows_the_key_once_and_it_authenticates(alice_api, alice):
    created = alice_api.post(KEYS, {"name": "Discord bot", "scope": "write"})

    assert created.status_code == 201
    raw_key = created.json()["key"]
    listed = alice_api.get(KEYS).json()["results"]
    assert [item["name"] for item in listed] == ["Discord bot"]
    assert "key" not in listed[0]
    assert "key" not in alice_api.get(f"{KEYS}{created.json()['id']}/").json()
    me = key_client(raw_key).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == alice.email


def test_a_read_only_key_reads_but_cannot_write(alice):
    _, raw_key = api_key_for(alice, scope=ApiKey.Scope.READ)
    client = key_client(raw_key)

    assert client.get(SETTINGS).status_code == 200
    response = client.patch(SETTINGS, {"theme": "dark"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert UserSettings.objects.get(user=alice).theme == "system"


def test_a_revoked_key_is_refused(alice_api, alice):
    api_key, raw_key = api_key_for(alice)

    response = alice_api.post(f"{KEYS}{api_key.pk}/revoke/")

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    refused = key_client(raw_key).get("/api/v1/me/")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_an_expired_key_is_refused(alice):
    api_key, raw_key = api_key_for(alice)
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert key_client(raw_key).get("/api/v1/me/").status_code == 401


def test_a_malformed_key_header_is_a_401(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key")

    assert client.get("/api/v1/me/").status_code == 401


def test_another_users_key_is_invisible(alice_api, bob):
    bobs_key, bobs_raw = api_key_for(bob)

    assert alice_api.get(f"{KEYS}{bobs_key.pk}/").status_code == 404
    assert alice_api.post(f"{KEYS}{bobs_key.pk}/revoke/").status_code == 404
    assert alice_api.get(KEYS).json()["results"] == []
    bobs_key.refresh_from_db()
    assert bobs_key.revoked_at is None


def test_a_key_cannot_manage_keys(alice):
    _, raw_key = api_key_for(alice)

    response = key_client(raw_key).post(KEYS, {"name": "escalation"})

    assert response.status_code == 403
    assert ApiKey.objects.filter(user=alice).count() == 1


def test_guests_cannot_create_keys(guest_api, guest):
    assert guest_api.post(KEYS, {"name": "mine"}).status_code == 403
    assert not ApiKey.objects.filter(user=guest).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": "x", "scope": "admin"},
        {"name": "x", "expires_at": "yesterday"},
        {"name": "x", "expires_at": "2001-01-01T00:00:00Z"},
    ],
)
def test_bad_key_requests_are_a_400(alice_api, alice, payload):
    response = alice_api.post(KEYS, payload)

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not ApiKey.objects.filter(user=alice).exists()


def test_listing_keys_takes_the_same_queries_for_2_or_20_keys(alice_api, alice, django_assert_num_queries):
    for count in (2, 20):
        ApiKey.objects.all().delete()
        for number in range(count):
            api_key_for(alice, name=f"key {number}")
        # user of the token, count, page of keys
        with django_assert_num_queries(3):
            response = alice_api.get(KEYS)
        assert response.json()["count"] == count
