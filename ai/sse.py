"""A streamed chat completion over plain HTTP: one POST, then the `data:` events of its answer.

Streams skip the OpenAI SDK (the rest of ai.client uses it): its request building and per-event objects cost
~0.8 ms of CPU per reply before the first token, on the path of every chat message (bench/chat_stream.py).
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx2

# Each event loop keeps one HTTP client per provider, so replies reuse connections; as many as the SDK allows.
_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, httpx2.AsyncClient]] = (
    weakref.WeakKeyDictionary()
)


class StatusError(Exception):
    """The provider answered the request with an HTTP error; `body` is its JSON, or its text."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code, self.body = status_code, body


class StreamError(Exception):
    """The provider sent an error event, or something that isn't an event, in the middle of the stream."""


def _client(base_url: str, timeout: float) -> httpx2.AsyncClient:
    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    client = per_loop.get((base_url, timeout))
    if client is None:
        client = per_loop[(base_url, timeout)] = httpx2.AsyncClient(timeout=timeout, limits=_LIMITS)
    return client


async def open_stream(base_url: str, api_key: str, timeout: float, body: dict[str, Any]) -> httpx2.Response:
    """POST the request; the response's events are read with `events()`, and it must be closed (`aclose()`)."""
    client = _client(base_url, timeout)
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
