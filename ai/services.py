"""Writes and decisions of the AI app: configs, the usage ledger, and daily token quotas."""

from __future__ import annotations

import time as time_module
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import site_settings
from accounts.services import user_settings_for
from ai import crypto
from ai.client import Endpoint, ProviderError, Usage
from ai.models import AIConfig, TokenUsage, UserTokenLimit
from ai.validators import api_key_problem, validate_api_key
from quillium_site.errors import ServiceError

if TYPE_CHECKING:
    from accounts.models import User


class QuotaExceeded(ServiceError):
    """The user spent their daily tokens; `resets_at` is their next local midnight."""

    status = 429
    code = "quota_exceeded"

    def __init__(self, limit: int, resets_at: datetime) -> None:
        self.limit = limit
        self.resets_at = resets_at
        local = timezone.localtime(resets_at, resets_at.tzinfo)
        super().__init__(
            _("You have used your %(limit)s tokens for today. The allowance resets at midnight (%(local)s %(tzname)s).")
            % {"limit": format(limit, ","), "local": format(local, "%Y-%m-%d %H:%M"), "tzname": local.tzname()}
        )


# -- configs --------------------------------------------------------------------------------------------


def ai_config_save(config: AIConfig, *, api_key: str | None = None) -> AIConfig:
    """Validate and save a config; `api_key=None` keeps the stored key, "" removes it."""
    if api_key is not None:
        api_key = api_key.strip()
        try:
            validate_api_key(api_key)
        except ValidationError as error:
            raise ValidationError({"api_key": error.messages}) from None
        config.api_key_encrypted = crypto.encrypt(api_key)
    config.full_clean()
    config.save()
    forget_endpoints()
    transaction.on_commit(forget_endpoints)
    return config


def ai_config_delete(config: AIConfig) -> None:
    config.delete()
    forget_endpoints()
    transaction.on_commit(forget_endpoints)


def guess_provider(base_url: str) -> str:
    """The provider label a base URL most likely belongs to (only a label: every provider is called alike)."""
    url = base_url.lower()
    for needle, provider in [
        ("api.openai.com", AIConfig.Provider.OPENAI),
        ("openrouter.ai", AIConfig.Provider.OPENROUTER),
        ("generativelanguage.googleapis.com", AIConfig.Provider.GEMINI),
        (":11434", AIConfig.Provider.OLLAMA),
        (":1234", AIConfig.Provider.LMSTUDIO),
    ]:
        if needle in url:
            return provider
    return AIConfig.Provider.OTHER


def seed_chat_config_from_environment() -> AIConfig | None:
    """On first start, make the `chat` config from AI_BASE_URL / AI_API_KEY / AI_CHAT_MODEL if it's missing."""
    if not settings.AI_BASE_URL or AIConfig.objects.filter(key=AIConfig.Key.CHAT).exists():
        return None
    config = AIConfig(
        key=AIConfig.Key.CHAT,
        provider=guess_provider(settings.AI_BASE_URL),
        base_url=settings.AI_BASE_URL,
        model=settings.AI_CHAT_MODEL or "default",
    )
    return ai_config_save(config, api_key=settings.AI_API_KEY)


# Every reply needs its endpoint before the first token, so each process keeps them for a few seconds (in
# memory only: the decrypted key never goes to a shared cache). Saving a config here forgets them at once;
# other processes see a change within ENDPOINT_CACHE_SECONDS.
ENDPOINT_CACHE_SECONDS = 10.0
_endpoints: dict[str, tuple[float, Endpoint | ProviderError]] = {}


def forget_endpoints() -> None:
    _endpoints.clear()


def endpoint_for(key: str) -> Endpoint:
    """The decrypted endpoint of the config named `key`; ProviderError(NOT_CONFIGURED) when there is none."""
    return _cached(key, lambda: _load_endpoint(AIConfig.objects.filter(key=key).first(), key))


def endpoint_or_chat(key: str) -> Endpoint:
    """The endpoint of a purpose's own config (diary, summary), else of the chat config."""
    try:
        return endpoint_for(key)
    except ProviderError as error:
        if error.kind != ProviderError.NOT_CONFIGURED:
            raise
        return endpoint_for(AIConfig.Key.CHAT)


def endpoint_of(config_id: int | None, purpose: str) -> Endpoint:
    """The endpoint of the config a chat or bot picked (by id), else of the purpose's default config."""
    if config_id is None:
        return endpoint_for(purpose)
    return _cached(f"#{config_id}", lambda: _load_endpoint(AIConfig.objects.filter(pk=config_id).first(), purpose))


def _cached(name: str, load: Callable[[], Endpoint | ProviderError]) -> Endpoint:
    cached = _endpoints.get(name)
    if cached is None or cached[0] < time_module.monotonic():
        cached = (time_module.monotonic() + ENDPOINT_CACHE_SECONDS, load())
        _endpoints[name] = cached
    if isinstance(cached[1], ProviderError):
        raise ProviderError(cached[1].kind, cached[1].message)
    return cached[1]


ABANDONED_GRACE = timedelta(minutes=2)


def abandoned_after(calls: int = 1) -> timedelta:
    """How long work that waits on the provider (`calls` requests in a row at most between two of its writes) can
    go without writing before its server or worker must be gone: the longest configured provider timeout (60 s
    when none is configured) for each call, and two minutes' grace."""
    longest = AIConfig.objects.aggregate(longest=Max("timeout_seconds"))["longest"]
    return timedelta(seconds=longest or 60) * calls + ABANDONED_GRACE


def _load_endpoint(config: AIConfig | None, key: str) -> Endpoint | ProviderError:
    if config is None:
        wanted = AIConfig.Key(key).label.lower() if key in AIConfig.Key.values else f"the name {key}"
        return ProviderError(
            ProviderError.NOT_CONFIGURED,
            f"No AI provider is configured for {wanted}. An administrator can add one "
            "under Admin → AI configs (any OpenAI-compatible server: Ollama, llama.cpp, vLLM, OpenAI, …).",
        )
    try:
        api_key = crypto.decrypt(config.api_key_encrypted)
    except crypto.UnreadableSecret as exc:
        return ProviderError(ProviderError.UNAUTHORIZED, str(exc))
    if api_key_problem(api_key):  # saved before keys were checked on input
        return ProviderError(
            ProviderError.UNAUTHORIZED,
            f"The API key of the {config.key} config can't be sent to a provider (it has "
            "characters no HTTP header may carry); an administrator should enter it again under Admin → AI configs.",
        )
    return Endpoint(
        base_url=config.base_url,
        api_key=api_key,
        model=config.model,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        timeout=float(config.timeout_seconds),
    )


# -- usage and quotas -----------------------------------------------------------------------------------


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(user_settings_for(user).timezone)


def user_today(user: User, now: datetime | None = None) -> date:
    """The user's local date: quotas reset at their midnight, not the server's."""
    return timezone.localtime(now or timezone.now(), user_zone(user)).date()


def next_reset(user: User, now: datetime | None = None) -> datetime:
    zone = user_zone(user)
    tomorrow = timezone.localtime(now or timezone.now(), zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def usage_record(*, user: User, model: str, feature: str, usage: Usage, now: datetime | None = None) -> None:
    """Add one request's tokens to the user's ledger row for today (one upsert; exact under concurrency)."""
    estimated = usage.total if usage.estimated else 0
    day = user_today(user, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TokenUsage._meta.db_table} AS t
                (user_id, day, model, feature, requests, prompt_tokens, completion_tokens, estimated_tokens,
                 updated_at)
            VALUES (%s, %s, %s, %s, 1, %s, %s, %s, now())
            ON CONFLICT (user_id, day, model, feature) DO UPDATE SET
                requests = t.requests + 1,
                prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                estimated_tokens = t.estimated_tokens + EXCLUDED.estimated_tokens,
                updated_at = now()
            """,
            [user.pk, day, model, feature, usage.prompt_tokens, usage.completion_tokens, estimated],
        )


def daily_limit_for(user: User) -> int | None:
    """The user's own limit if staff set one, else the site-wide `daily_token_limit` (None: unlimited)."""
    try:
        own = user.token_limit  # loaded with the user by accounts' request authentication
    except UserTokenLimit.DoesNotExist:
        own = None
    if own is not None:
        return own.daily_tokens
    return site_settings.get("daily_token_limit")


def tokens_used_today(user: User, now: datetime | None = None) -> int:
    total = (
        TokenUsage.objects.filter(user=user, day=user_today(user, now))
        .aggregate(total=Sum(F("prompt_tokens") + F("completion_tokens")))
        .get("total")
    )
    return total or 0


def quota_check(user: User, now: datetime | None = None) -> None:
    """Raise QuotaExceeded when the user has no tokens left today; call before asking the provider."""
    limit = daily_limit_for(user)
    if limit is not None and tokens_used_today(user, now) >= limit:
        raise QuotaExceeded(limit, next_reset(user, now))


def quota_summary(user: User, now: datetime | None = None) -> dict:
    """Today's usage, the limit and what is left, for the settings page and API."""
    limit = daily_limit_for(user)
    used = tokens_used_today(user, now)
    return {
        "used_today": used,
        "daily_limit": limit,
        "remaining": None if limit is None else max(limit - used, 0),
        "resets_at": next_reset(user, now),
    }


@transaction.atomic
def user_token_limit_set(user: User, daily_tokens: int | None) -> UserTokenLimit:
    limit, _created = UserTokenLimit.objects.update_or_create(user=user, defaults={"daily_tokens": daily_tokens})
    user.token_limit = limit
    return limit


def user_token_limit_clear(user: User) -> None:
    """Drop the user's own limit: the site-wide `daily_token_limit` applies again."""
    UserTokenLimit.objects.filter(user=user).delete()
    user._state.fields_cache.pop("token_limit", None)  # a limit loaded with the user is gone too


# -- embeddings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Embedded:
    vectors: list[list[float]]
    provider: str
    model: str


def embed_texts(texts: list[str]) -> Embedded:
    """Vectors for `texts`: from the `embedding` AI config's OpenAI-compatible endpoint when there is one,
    else from the offline model that ships with Quillium (no network)."""
    try:
        endpoint = endpoint_for(AIConfig.Key.EMBEDDING)
    except ProviderError as exc:
        if exc.kind != ProviderError.NOT_CONFIGURED:
            raise
        from ai import local_embeddings

        return Embedded(local_embeddings.embed(texts), "local", local_embeddings.MODEL_NAME)
    from asgiref.sync import async_to_sync

    from ai import client

    vectors = async_to_sync(client.embed)(endpoint, texts)
    return Embedded(vectors, "openai-compatible", endpoint.model)
