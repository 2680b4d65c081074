import pytest

from ai.models import AIConfig
from ai.services import ai_config_delete as delete_config
from tests.conftest import FAKE_PROVIDER_KEY, jwt_client

pytestmark = pytest.mark.django_db

CONFIGS = "/api/v1/ai/configs/"


def test_staff_manage_configs_and_the_key_is_write_only(staff):
    api = jwt_client(staff)

    created = api.post(
        CONFIGS,
        {"key": "chat", "base_url": "http://127.0.0.1:11434/v1", "model": "llama3", "api_key": "sk-new-secret-1"},
    )

    assert created.status_code == 201
    assert "api_key" not in created.json() and created.json()["has_api_key"] is True
    config_id = created.json()["id"]
    assert "sk-new-secret-1" not in api.get(f"{CONFIGS}{config_id}/").content.decode()
    api.patch(f"{CONFIGS}{config_id}/", {"model": "llama3.1"})  # no key: keeps the stored one
    config = AIConfig.objects.get(pk=config_id)
    assert config.model == "llama3.1" and config.has_api_key
    api.patch(f"{CONFIGS}{config_id}/", {"api_key": ""})
    assert not AIConfig.objects.get(pk=config_id).has_api_key


@pytest.mark.parametrize(
    "payload",
    [
        {"key": "chat", "base_url": "not a url", "model": "m"},
        {"key": "Not a name!", "base_url": "http://x/v1", "model": "m"},
        {"key": "chat", "base_url": "http://x/v1", "model": "m", "temperature": 5},
        {"key": "chat", "base_url": "http://x/v1", "model": "m", "timeout_seconds": 0},
    ],
)
def test_bad_configs_are_a_400(staff, payload):
    response = jwt_client(staff).post(CONFIGS, payload)

    assert response.status_code == 400
    assert not AIConfig.objects.exists()


def test_only_staff_see_configs(alice_api, fake_llm):
    assert alice_api.get(CONFIGS).status_code == 403
    assert alice_api.post(CONFIGS, {"key": "bot", "base_url": "http://x/v1", "model": "m"}).status_code == 403


def test_models_lists_what_the_provider_offers(alice_api, fake_llm):
    fake_llm.script(models=["b-model", "a-model"])

    response = alice_api.get("/api/v1/models/")

    assert response.json() == {"default": "fake-small", "models": ["a-model", "b-model"]}
    assert fake_llm.requests[-1]["authorization"] == f"Bearer {FAKE_PROVIDER_KEY}"


def test_models_says_when_the_provider_fails_or_is_missing(alice_api, fake_llm):
    fake_llm.script(status=401)
    failing = alice_api.get("/api/v1/models/")
    alice_api.get("/api/v1/models/")  # endpoint now cached in this process…
    delete_config(AIConfig.objects.get())  # …and forgotten when the config goes
    missing = alice_api.get("/api/v1/models/")

    assert failing.status_code == 502 and "refused the API key" in failing.json()["detail"]
    assert missing.status_code == 503 and "No AI provider is configured" in missing.json()["detail"]


def test_usage_shows_today_and_the_limit(alice_api, alice, fake_llm):
    from accounts import site_settings
    from chats.services import chat_create

    site_settings.set_value("daily_token_limit", 1000)
    chat = chat_create(owner=alice)
    alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "hello there"})

    usage = alice_api.get("/api/v1/me/usage/").json()

    assert usage["daily_limit"] == 1000
    assert usage["used_today"] == usage["days"][0]["total_tokens"] > 0
    assert usage["remaining"] == 1000 - usage["used_today"]
