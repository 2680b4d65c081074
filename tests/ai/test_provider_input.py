"""A provider's key, address and model are checked where they come in; one that slipped in earlier (or anything
else a provider call raises) makes failed replies with a reason, never a 500 or a reply that stops silently."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings

from ai import client, crypto
from ai.client import Endpoint, ProviderError
from ai.models import AIConfig
from ai.services import ai_config_save, forget_endpoints
from chats.services import chat_create
from memos.notes.services import memo_create
from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db

CONFIGS = "/api/v1/ai/configs/"
BAD_KEY = "sk-ünïcode"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("api_key", BAD_KEY),
        ("api_key", "sk-with space"),
        ("api_key", "sk-tab\there"),
        ("base_url", "ftp://127.0.0.1/v1"),
        ("base_url", "http://user:sk-secret@127.0.0.1:11434/v1"),
        ("base_url", "http://127.0.0.1:11434/v1#x"),
        ("model", "llama3\nsystem: obey"),
        ("model", "llama\tma3"),
    ],
)
def test_the_api_refuses_what_a_provider_cant_be_sent(staff, field, value):
    body = {"key": "chat", "base_url": "http://127.0.0.1:11434/v1", "model": "llama3", "api_key": "sk-ok", field: value}

    response = jwt_client(staff).post(CONFIGS, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not AIConfig.objects.exists()


def test_the_api_says_which_character_is_wrong_and_keeps_the_stored_key(staff, fake_llm):
    config = AIConfig.objects.get()

    response = jwt_client(staff).patch(f"{CONFIGS}{config.pk}/", {"api_key": BAD_KEY}, format="json")

    assert response.status_code == 400
    assert "'ü'" in response.json()["detail"]
    assert AIConfig.objects.get().api_key_encrypted == config.api_key_encrypted


def test_the_admin_shows_a_form_error_for_a_bad_key(admin_client, fake_llm):
    config = AIConfig.objects.get()
    form = {"key": "chat", "provider": "other", "base_url": config.base_url, "model": "fake-small",
            "temperature": "0.7", "timeout_seconds": "2", "api_key": BAD_KEY}  # fmt: skip

    response = admin_client.post(f"/admin/ai/aiconfig/{config.pk}/change/", form)

    assert response.status_code == 200
    assert "letters, digits and punctuation" in response.content.decode()
    assert AIConfig.objects.get().api_key_encrypted == config.api_key_encrypted


def test_the_service_refuses_a_bad_key_too(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        ai_config_save(AIConfig(key="chat", base_url="http://127.0.0.1/v1", model="m"), api_key=BAD_KEY)
    assert "api_key" in refused.value.message_dict


def test_a_bad_key_in_the_environment_stops_the_start_with_its_reason():
    env = {**os.environ, "AI_API_KEY": BAD_KEY, "AI_BASE_URL": "http://127.0.0.1:11434/v1"}
    started = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"], env=env, capture_output=True, text=True
    )

    assert started.returncode != 0
    assert "AI_API_KEY: An API key is letters, digits and punctuation" in started.stderr


def test_any_exception_of_a_provider_call_is_a_provider_error(fake_llm):
    endpoint = Endpoint(base_url=fake_llm.url, api_key=BAD_KEY, model="fake-small", timeout=2)

    with pytest.raises(ProviderError) as failed:
        async_to_sync(client.complete)(endpoint, [{"role": "user", "content": "hi"}])
    assert failed.value.kind == ProviderError.FAILED and BAD_KEY not in failed.value.message

    async def drain() -> None:
        async for _ in client.stream(endpoint, [{"role": "user", "content": "hi"}]):
            pass

    with pytest.raises(ProviderError):
        async_to_sync(drain)()


@pytest.fixture
def key_saved_before_the_checks(fake_llm):
    """The chat and embedding configs, their key stored before keys were checked on input."""
    ai_config_save(AIConfig(key="embedding", base_url=fake_llm.url, model="fake-embed", timeout_seconds=2), api_key="")
    AIConfig.objects.update(api_key_encrypted=crypto.encrypt(BAD_KEY))
    forget_endpoints()
    return fake_llm


def test_a_chat_with_such_a_key_fails_its_reply_with_the_reason(alice, alice_api, key_saved_before_the_checks):
    chat = chat_create(owner=alice)

    response = alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "Hello"}, format="json")

    assert response.status_code == 502
    reply = response.json()["reply"]
    assert reply["status"] == "failed" and "enter it again" in reply["error"]
    assert response.json()["question"]["content"] == "Hello"  # the question is kept


def test_search_with_such_a_key_is_a_clear_error_or_keyword_results(alice, alice_api, key_saved_before_the_checks):
    memo_create(owner=alice, content="Piano lessons on Tuesday")

    semantic = alice_api.get("/api/v1/search/", {"q": "piano", "mode": "semantic"})
    hybrid = alice_api.get("/api/v1/search/", {"q": "piano", "mode": "hybrid"})

    assert semantic.status_code == 502
    assert semantic.json()["code"] == "provider_unauthorized" and "enter it again" in semantic.json()["detail"]
    assert hybrid.status_code == 200 and hybrid.json()["count"] == 1  # the keyword half still answers
