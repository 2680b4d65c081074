"""Does the chat provider answer? Reported by /healthz and `manage.py health`, but not critical: the site
works without it and the chat page explains what is wrong."""

from __future__ import annotations

import dataclasses
from typing import Any

from asgiref.sync import async_to_sync
from django.core.cache import cache

from ai import client
from ai.client import ProviderError
from ai.models import AIConfig

CACHE_SECONDS = 30
MAX_WAIT_SECONDS = 5.0


def check_provider(key: str = AIConfig.Key.CHAT) -> dict[str, Any]:
    from ai.services import endpoint_for

    cache_key = f"ai-health:{key}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    try:
        endpoint = endpoint_for(key)
    except ProviderError as exc:
        if exc.kind == ProviderError.NOT_CONFIGURED:
            return {"ok": True, "critical": False, "configured": False, "detail": exc.message}
        result = {"ok": False, "critical": False, "configured": True, "error": exc.message}
    else:
        endpoint = dataclasses.replace(endpoint, timeout=min(endpoint.timeout, MAX_WAIT_SECONDS))
        try:
            models = async_to_sync(client.list_models)(endpoint)
        except ProviderError as exc:
            result = {"ok": False, "critical": False, "configured": True, "error": exc.message}
        else:
            result = {"ok": True, "critical": False, "configured": True, "models": len(models)}
    cache.set(cache_key, result, CACHE_SECONDS)
    return result


def check_chat_provider() -> dict[str, Any]:
    return check_provider(AIConfig.Key.CHAT)
