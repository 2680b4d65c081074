from datetime import UTC, datetime

import pytest
from django.test import override_settings

from accounts import site_settings
from accounts.services import user_settings_for, user_settings_update
from ai import crypto, services
from ai.client import Usage
from ai.health import check_chat_provider
from ai.models import AIConfig, TokenUsage
from ai.services import QuotaExceeded

pytestmark = pytest.mark.django_db


def test_quota_resets_at_midnight_in_the_users_time_zone(alice):
    user_settings_update(user_settings_for(alice), timezone="Asia/Tokyo")  # UTC+9
    site_settings.set_value("daily_token_limit", 100)
    evening_in_tokyo = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    services.usage_record(user=alice, model="m", feature="chat", usage=Usage(70, 30), now=evening_in_tokyo)

    with pytest.raises(QuotaExceeded) as refused:
        services.quota_check(alice, now=evening_in_tokyo)
    assert refused.value.resets_at == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert "2026-03-02 00:00 JST" in str(refused.value)

    services.quota_check(alice, now=datetime(2026, 3, 1, 15, 0, 1, tzinfo=UTC))  # 00:00:01 next day in Tokyo


def test_a_personal_limit_overrides_the_site_limit(alice, bob):
    site_settings.set_value("daily_token_limit", 10)
    services.user_token_limit_set(alice, None)  # unlimited for alice
    for user in (alice, bob):
        services.usage_record(user=user, model="m", feature="chat", usage=Usage(10, 10))

    services.quota_check(alice)
    with pytest.raises(QuotaExceeded):
        services.quota_check(bob)


def test_usage_rows_add_up_per_user_model_feature_and_day(alice):
    for _ in range(3):
        services.usage_record(user=alice, model="m", feature="chat", usage=Usage(5, 7, estimated=True))
    services.usage_record(user=alice, model="m", feature="title", usage=Usage(1, 1))

    chat = TokenUsage.objects.get(user=alice, feature="chat")
    assert (chat.requests, chat.prompt_tokens, chat.completion_tokens, chat.estimated_tokens) == (3, 15, 21, 36)
    assert services.tokens_used_today(alice) == 36 + 2


def test_a_key_encrypted_under_another_secret_is_reported_not_crashed(fake_llm):
    with override_settings(ENCRYPTION_KEY="another key entirely"):
        crypto._fernet.cache_clear()
        with pytest.raises(services.ProviderError) as error:
            services.endpoint_for("chat")
    assert "enter it again" in error.value.message


def test_seeding_from_the_environment_happens_once(settings):
    settings.AI_BASE_URL = "http://127.0.0.1:11434/v1"
    settings.AI_CHAT_MODEL = "llama3"
    settings.AI_API_KEY = ""

    config = services.seed_chat_config_from_environment()
    settings.AI_CHAT_MODEL = "changed"

    assert (config.provider, config.model, config.has_api_key) == ("ollama", "llama3", False)
    assert services.seed_chat_config_from_environment() is None
    assert AIConfig.objects.get().model == "llama3"


def test_health_reports_the_provider_without_failing_the_site(fake_llm, client):
    assert check_chat_provider()["ok"] is True

    fake_llm.script(status=500)
    from django.core.cache import cache

    cache.clear()
    body = client.get("/healthz").json()

    assert body["ai"]["ok"] is False and body["ai"]["critical"] is False
    assert body["ok"] is True
