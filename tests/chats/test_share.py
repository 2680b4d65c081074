"""A chat shared as a read-only link: a snapshot at share time, readable signed out, revocable; the token is kept
only as its hash."""

from __future__ import annotations

import pytest

from chats.models import ChatShare
from chats.services import chat_create
from tests.chats.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_a_share_link_shows_the_chat_as_it_was_signed_out_until_revoked(alice_client, alice, client):
    chat = chat_create(owner=alice, title="Trip plan")
    MessageFactory(chat=chat, role="user", content="Where to in **Kyoto**?")
    MessageFactory(chat=chat, role="assistant", content="Fushimi Inari at dawn.")

    made = alice_client.post(f"/chats/{chat.pk}/share/").content.decode()
    link = made.split('id="share-link">')[1].split("</code>")[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    MessageFactory(chat=chat, role="user", content="a later secret question")
    share = ChatShare.objects.get()
    client.logout()
    page = client.get(f"/chats/shared/{token}/").content.decode()

    assert token not in str(share.__dict__) and len(share.token_hash) == 64
    assert "<strong>Kyoto</strong>" in page and "Fushimi Inari" in page and "later secret" not in page
    assert "Trip plan" in page and "<textarea" not in page
    client.force_login(alice)
    assert "1 share link open" in client.get(f"/chats/{chat.pk}/").content.decode()
    client.post(f"/chats/{chat.pk}/shares/{share.pk}/revoke/")
    client.logout()
    assert client.get(f"/chats/shared/{token}/").status_code == 404
    assert client.get("/chats/shared/not-a-token/").status_code == 404


def test_an_empty_chat_has_nothing_to_share_and_others_cannot_share_or_revoke(alice_client, alice, bob):
    empty = chat_create(owner=alice, title="Empty")
    bobs = chat_create(owner=bob, title="Bob's")
    MessageFactory(chat=bobs, content="hello")

    refused = alice_client.post(f"/chats/{empty.pk}/share/", follow=True).content.decode()

    assert "There is nothing to share yet." in refused and not ChatShare.objects.exists()
    assert alice_client.post(f"/chats/{bobs.pk}/share/").status_code == 404


def test_the_api_shares_lists_and_revokes(alice_api, bob_api, alice, client):
    chat = chat_create(owner=alice, title="API chat")
    MessageFactory(chat=chat, role="user", content="shared words")

    made = alice_api.post(f"/api/v1/chats/{chat.pk}/shares/")
    listed = alice_api.get(f"/api/v1/chats/{chat.pk}/shares/").json()
    url = made.json()["url"]

    assert made.status_code == 201 and "/chats/shared/" in url and [row["id"] for row in listed] == [made.json()["id"]]
    assert "shared words" in client.get(url).content.decode()
    assert bob_api.post(f"/api/v1/chats/{chat.pk}/shares/{made.json()['id']}/revoke/").status_code == 404
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/shares/{made.json()['id']}/revoke/").status_code == 204
    assert client.get(url).status_code == 404
    empty = chat_create(owner=alice, title="Nothing")
    assert alice_api.post(f"/api/v1/chats/{empty.pk}/shares/").status_code == 400
