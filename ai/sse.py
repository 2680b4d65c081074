"""A streamed chat completion over plain HTTP: one POST, then the `data:` events of its answer.

Streams skip the OpenAI SDK (the rest of ai.client uses it): its request building and per-event objects cost
~0.5 ms of CPU per 20-piece reply and 0.35 ms before the first piece, on the path of every chat message
(bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
from django.utils.translation import gettext as _

# As many connections per provider as the SDK allows.
_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


def per_loop[C](clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, C]], key: tuple,
                make: Callable[[], C]) -> C:  # fmt: skip
    """The client for `key` of the running event loop, made on first use: a loop reuses its connections, and its
    clients go when it does (they can't be shared between loops)."""
    per_key = clients.setdefault(asyncio.get_running_loop(), {})
    if key not in per_key:
        per_key[key] = make()
    return per_key[key]


_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, httpx2.AsyncClient]] = (
    weakref.WeakKeyDictionary()
)


class StatusError(Exception):
    """The provider answered the request with an HTTP error; `body` is its JSON, or its text."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(_("HTTP %(status_code)s") % {"status_code": status_code})
        self.status_code, self.body = status_code, body


class StreamError(Exception):
    """The provider sent an error event, or something that isn't an event, in the middle of the stream."""


def http_client(base_url: str, timeout: float) -> httpx2.AsyncClient:
    """The running loop's HTTP client for a provider: streams use it, and so do the SDK's calls (ai.client), so a
    task that embeds and then streams makes one client (~20 ms of CPU each) and one connection pool."""
    return per_loop(
        _clients,
        (base_url, timeout),
        lambda: httpx2.AsyncClient(timeout=timeout, limits=_LIMITS, follow_redirects=True),  # as the SDK's own
    )


async def open_stream(base_url: str, api_key: str, timeout: float, body: dict[str, Any]) -> httpx2.Response:
    """POST the request; the response's events are read with `events()`, and it must be closed (`aclose()`)."""
    client = http_client(base_url, timeout)
    headers = {"Authorization": f"Bearer {api_key or 'none'}", "Accept": "text/event-stream"}
    request = client.build_request("POST", base_url.rstrip("/") + "/chat/completions", json=body, headers=headers)
    response = await client.send(request, stream=True)
    if response.status_code >= 400:
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        try:
            error: Any = json.loads(content)
        except ValueError:
            error = content.decode(errors="replace")
        raise StatusError(response.status_code, error)
    return response


async def events(response: httpx2.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of the stream's `data:` events, up to `[DONE]` or the end of the stream."""
    data: list[str] = []
    async for line in response.aiter_lines():
        if line:
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            continue  # comments (": …") and other fields are for keep-alive and reconnection only
        if not data:
            continue
        payload, data = "\n".join(data), []
        if payload == "[DONE]":
            return
        yield _parse(payload)
    if data and "\n".join(data) != "[DONE]":  # a last event without its blank line
        yield _parse("\n".join(data))


def _parse(payload: str) -> dict[str, Any]:
    try:
        event = json.loads(payload)
    except ValueError:
        raise StreamError("The AI provider sent something we can't read.") from None
    if not isinstance(event, dict):
        raise StreamError("The AI provider sent something we can't read.")
    if event.get("error"):
        error = event["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise StreamError(f"The AI provider failed mid-reply: {message or 'no reason given'}")
    return event
