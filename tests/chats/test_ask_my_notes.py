"""A chat that answers from the user's notes: related memos (hybrid search, with its relevance cut-off) go into the
prompt and come back as cited links; unrelated and other people's memos never do."""

from __future__ import annotations

import pytest

from chats.models import Message
from chats.services import chat_create
from memos.notes import services as memo_services
from memos.search.semantic import embed_memo

pytestmark = pytest.mark.django_db


def note(owner, text):
    memo = memo_services.memo_create(owner=owner, content=text)
    embed_memo(memo.pk)
    return memo


def system_text(fake) -> str:
    body = [r for r in fake.requests if r["path"].endswith("/chat/completions")][-1]["body"]
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "system")


def test_the_reply_uses_and_cites_related_notes(alice_api, alice, bob, fake_llm, client):
    roses = note(alice, "Planted the climbing roses by the south wall; they need morning sun.")
    note(alice, "Tax forms are due in April.")
    note(bob, "My roses died by the north fence.")
    chat = chat_create(owner=alice, use_notes=True)
    fake_llm.script(reply="By the south wall [1].")

    response = alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "Where did I plant the roses?"})

    assert response.status_code == 201, response.content
    prompt = system_text(fake_llm)
    assert "[1] (" in prompt and "climbing roses by the south wall" in prompt
    assert "Tax forms" not in prompt and "north fence" not in prompt
    sources = response.json()["reply"]["sources"]
    assert [source["url"] for source in sources] == [roses.get_absolute_url()]
    assert Message.objects.get(pk=response.json()["reply"]["id"]).sources == sources

    client.force_login(alice)
    page = client.get(chat.get_absolute_url()).content.decode()
    assert f'href="{roses.get_absolute_url()}"' in page and "From your notes:" in page


def test_off_by_default_and_switched_through_the_api(alice_api, alice, fake_llm):
    note(alice, "Planted the climbing roses by the south wall.")
    chat = chat_create(owner=alice)

    alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "Where are my roses?"})
    assert "south wall" not in system_text(fake_llm)

    assert alice_api.patch(f"/api/v1/chats/{chat.pk}/", {"use_notes": True}, format="json").json()["use_notes"]
    alice_api.post(f"/api/v1/chats/{chat.pk}/regenerate/")
    assert "south wall" in system_text(fake_llm)


def test_a_source_title_is_plain_text_escaped_once(alice_api, alice, fake_llm, client):
    note(alice, "Roses & tulips: planted by the **south wall**.")
    chat = chat_create(owner=alice, use_notes=True)

    reply = alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "Where are the roses and tulips?"})

    assert reply.json()["reply"]["sources"][0]["title"] == "Roses & tulips: planted by the south wall."
    client.force_login(alice)
    page = client.get(chat.get_absolute_url()).content.decode()
    assert "Roses &amp; tulips" in page and "&amp;amp;" not in page
