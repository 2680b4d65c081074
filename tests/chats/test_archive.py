"""Archived chats leave the list and the sidebar, stay readable, come back, and are still found by search."""

from __future__ import annotations

import pytest

from chats.models import Chat
from chats.services import chat_create
from tests.chats.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_archive_hides_a_chat_keeps_it_and_search_still_finds_it(alice_client, alice, bob):
    kept = chat_create(owner=alice, title="Tax questions")
    MessageFactory(chat=kept, content="deductions for 2026")
    other = chat_create(owner=alice, title="Recipes")

    archived = alice_client.post(f"/chats/{kept.pk}/archive/", {"archive": "1"})
    listed = alice_client.get("/chats/").content.decode()
    beside = alice_client.get(f"/chats/{other.pk}/").content.decode()
    shelf = alice_client.get("/chats/?archived=1").content.decode()
    found = alice_client.get("/chats/", {"q": "deductions"}).content.decode()

    assert archived.status_code == 302 and Chat.objects.get(pk=kept.pk).is_archived
    assert "Tax questions" not in listed and "Tax questions" not in beside and "Tax questions" in shelf
    assert "Tax questions" in found and '<span class="badge">archived</span>' in found
    assert 'data-testid="archived"' in alice_client.get(f"/chats/{kept.pk}/").content.decode()
    alice_client.post(f"/chats/{kept.pk}/archive/", {"archive": "0"})
    assert "Tax questions" in alice_client.get("/chats/").content.decode()
    assert alice_client.post(f"/chats/{chat_create(owner=bob).pk}/archive/", {"archive": "1"}).status_code == 404


def test_the_api_archives_and_lists_archived_chats_apart(alice_api, alice):
    chat = chat_create(owner=alice, title="Old")
    chat_create(owner=alice, title="New")

    patched = alice_api.patch(f"/api/v1/chats/{chat.pk}/", {"is_archived": True}, format="json")
    listed = [row["title"] for row in alice_api.get("/api/v1/chats/").json()["results"]]
    shelved = [row["title"] for row in alice_api.get("/api/v1/chats/", {"is_archived": "true"}).json()["results"]]
    searched = [row["title"] for row in alice_api.get("/api/v1/chats/", {"search": "Old"}).json()["results"]]

    assert patched.status_code == 200 and patched.json()["is_archived"] is True
    assert (listed, shelved, searched) == (["New"], ["Old"], ["Old"])
    assert alice_api.get(f"/api/v1/chats/{chat.pk}/").status_code == 200


def test_a_chat_can_be_created_archived_through_the_api(alice_api):
    made = alice_api.post("/api/v1/chats/", {"title": "Filed away", "is_archived": True}, format="json")

    assert made.status_code == 201 and made.json()["is_archived"] is True
    assert alice_api.get("/api/v1/chats/").json()["results"] == []
