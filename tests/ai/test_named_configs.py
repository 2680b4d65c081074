"""Any number of named provider configs: a chat or a bot picks one, the per-purpose configs stay the defaults, and
users see names and models, never a provider's address or key."""

from __future__ import annotations

import pytest

from ai.models import AIConfig
from ai.services import ai_config_delete, ai_config_save
from chats.services import chat_create
from tests.conftest import jwt_client
from tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosted(fake_llm):
    """A second provider under its own name, beside the `chat` config (the session's fake provider)."""
    other = FakeOpenAI().start()
    other.script(reply="From the hosted model.", models=["big-model"])
    config = ai_config_save(
        AIConfig(key="hosted", base_url=other.url, model="big-model", timeout_seconds=2), api_key="sk-hosted-1"
    )
    yield other, config
    other.stop()


def test_staff_add_a_named_config_through_the_api(staff):
    body = {"key": "local-llama", "base_url": "http://127.0.0.1:11434/v1", "model": "llama3", "api_key": ""}

    created = jwt_client(staff).post("/api/v1/ai/configs/", body, format="json")

    assert created.status_code == 201 and created.json()["key"] == "local-llama"


def test_a_chat_asks_the_config_it_picked_and_others_the_chat_default(alice, alice_api, hosted):
    other, _ = hosted
    picked = alice_api.post("/api/v1/chats/", {"ai_config": "hosted"}, format="json").json()
    default = chat_create(owner=alice)

    answer = alice_api.post(f"/api/v1/chats/{picked['id']}/messages/", {"content": "Hi"}, format="json")
    plain = alice_api.post(f"/api/v1/chats/{default.pk}/messages/", {"content": "Hi"}, format="json")

    assert answer.json()["reply"]["content"] == "From the hosted model."
    assert answer.json()["reply"]["model"] == "big-model"
    assert [request["authorization"] for request in other.requests] == ["Bearer sk-hosted-1"]
    assert plain.json()["reply"]["content"] == "Hello from the fake model."


def test_a_chat_can_switch_provider_and_falls_back_when_its_config_goes(alice, alice_api, hosted):
    _, config = hosted
    chat = chat_create(owner=alice)

    switched = alice_api.patch(f"/api/v1/chats/{chat.pk}/", {"ai_config": "hosted"}, format="json")
    ai_config_delete(config)

    assert switched.status_code == 200 and switched.json()["ai_config"] == "hosted"
    assert alice_api.get(f"/api/v1/chats/{chat.pk}/").json()["ai_config"] is None  # the chat default again


@pytest.mark.parametrize("name", ["embedding", "no-such-config"])
def test_a_chat_cannot_pick_the_embedding_config_or_a_missing_one(alice_api, fake_llm, name):
    if name == "embedding":
        ai_config_save(AIConfig(key="embedding", base_url=fake_llm.url, model="fake-embed"))

    response = alice_api.post("/api/v1/chats/", {"ai_config": name}, format="json")

    assert response.status_code == 400 and "ai_config" in response.json()["errors"]


def test_users_see_names_and_models_never_addresses(alice_api, hosted):
    other, _ = hosted

    listed = alice_api.get("/api/v1/ai/providers/").json()
    models = alice_api.get("/api/v1/models/", {"config": "hosted"}).json()

    assert [(row["key"], row["model"], row["purpose"]) for row in listed["results"]] == [
        ("chat", "fake-small", "Chat"),
        ("hosted", "big-model", ""),
    ]
    assert other.url not in str(listed) and "127.0.0.1" not in str(listed)
    assert models == {"default": "big-model", "models": ["big-model"]}
    assert alice_api.get("/api/v1/models/", {"config": "nobody"}).status_code == 400


def test_the_chat_page_offers_providers_by_name(client, alice, hosted):
    other, _ = hosted
    chat = chat_create(owner=alice)
    client.force_login(alice)

    page = client.get(f"/chats/{chat.pk}/").content.decode()
    client.post(f"/chats/{chat.pk}/settings/", {"title": "Mine", "ai_config": "hosted"})

    assert "hosted (big-model)" in page and other.url not in page
    chat.refresh_from_db()
    assert chat.ai_config.key == "hosted"
    assert 'data-models="/api/v1/models/?config=hosted"' in client.get(f"/chats/{chat.pk}/").content.decode()


def test_a_bot_asks_its_own_named_config(alice, hosted, fake_llm):
    from bots import services as bot_services
    from bots import tasks as bot_tasks
    from memos.notes.services import memo_create

    other, config = hosted
    bot = bot_services.bot_create(owner=alice, name="sage", ai_config=config)
    memo = memo_create(owner=alice, content="Roses")
    reply = bot_services.reply_ask(memo=memo, bot=bot, question="When to prune?", user=alice)

    bot_tasks.write_reply.call(str(reply.pk))

    reply.refresh_from_db()
    assert reply.content == "From the hosted model." and reply.model == "big-model"


def test_a_config_name_with_a_nul_byte_is_a_400_in_a_form_body_too(alice_api, hosted):
    # Schemathesis found this: the NUL guard reads query strings and JSON, not form-encoded bodies.
    bot = alice_api.post("/api/v1/bots/", "name=r&ai_config=%00", content_type="application/x-www-form-urlencoded")
    chat = alice_api.post("/api/v1/chats/", "ai_config=host%00ed", content_type="application/x-www-form-urlencoded")

    assert bot.status_code == 400 and bot.json()["errors"].keys() == {"ai_config"}
    assert chat.status_code == 400 and chat.json()["errors"].keys() == {"ai_config"}


def test_the_bot_form_names_providers_without_their_address(client, alice, hosted):
    from bots.services import bot_create

    other, _ = hosted
    bot = bot_create(owner=alice, name="Helper")
    client.force_login(alice)

    pages = [client.get(url).content.decode() for url in ("/bots/", f"/bots/{bot.pk}/edit/")]

    for page in pages:
        assert "hosted (big-model)" in page
        assert other.url not in page and "http://127.0.0.1" not in page
