"""Runs one reply: asks the provider, hands on every piece the moment it arrives, and saves the partial
text at most once a second (which is also when it notices a stop). Used by the API, streamed or not."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection

from ai import client
from ai import services as ai_services
from ai.client import ProviderError, Usage, estimate_usage
from ai.models import AIConfig
from chats import services, stops
from chats.models import Message

SAVE_EVERY_SECONDS = 1.0
logger = logging.getLogger(__name__)


def release_connection() -> None:
    """Give this thread's database connection back to the pool.

    A streamed reply lasts seconds to minutes; a request thread that kept its connection all that time would
    cap concurrent replies at the pool size (25), and the 26th would wait for one to end.
    """
    if not connection.in_atomic_block:  # inside a transaction (tests) the connection must stay
        connection.close()


def _db[**P, R](function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`function` run in a thread that hands its connection back to the pool when done."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            release_connection()

    return sync_to_async(run)


@dataclass
class Event:
    """One Server-Sent Event: `delta` (a piece of text), then `done`, `stopped` or `error` with the message."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        return f"event: {self.name}\ndata: {json.dumps(self.data, ensure_ascii=False)}\n\n".encode()


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "role": message.role,
        "status": message.status,
        "content": message.content,
        "model": message.model,
        "tokens": message.tokens,
        "prompt_tokens": message.prompt_tokens,
        "tokens_estimated": message.tokens_estimated,
        "error": message.error,
        "error_kind": message.error_kind,
        "sources": message.sources,
    }


async def run_reply(reply: Message, prompt: list[dict[str, str]] | None = None) -> AsyncIterator[Event]:
    """Fill in `reply` (an assistant message in `streaming` state, with its chat loaded); `prompt` is
    `services.prompt_for(reply)` when the caller already has it."""
    messages = prompt if prompt is not None else await _db(services.prompt_for)(reply)
    try:
        endpoint = await _db(ai_services.endpoint_for)(AIConfig.Key.CHAT)
    except ProviderError as exc:
        reply = await _db(services.reply_fail)(reply, error=exc)
        yield Event("error", message_payload(reply))
        return

    model = reply.chat.model or endpoint.model
    pieces: list[str] = []
    usage: Usage | None = None
    settled = False  # the reply's final state is saved
    last_save = time.monotonic()
    stop = asyncio.ensure_future(stops.until_stopped(reply.pk, _db(partial(services.reply_running, reply.pk))))
    try:
        async with aclosing(client.stream(endpoint, messages, model=model)) as stream:
            async for item in _until(stream, stop):
                if isinstance(item, Usage):
                    usage = item
                    continue
                pieces.append(item)
                yield Event("delta", {"content": item})
                if time.monotonic() - last_save >= SAVE_EVERY_SECONDS:
                    last_save = time.monotonic()
                    if not await _db(services.reply_progress)(reply.pk, "".join(pieces)):
                        break  # stopped by the user
            else:
                if not stop.done() or stop.exception() is not None:  # the stream ran to its end
                    text = "".join(pieces)
                    reply = await _db(services.reply_finish)(
                        reply, content=text, usage=usage or estimate_usage(messages, text), model=model
                    )
                    settled = True
                    yield Event("done", message_payload(reply))
                    return
        text = "".join(pieces)
        reply = await _db(services.reply_finish)(
            reply, content=text, usage=estimate_usage(messages, text), model=model, status=Message.Status.STOPPED
        )
        settled = True
        yield Event("stopped", message_payload(reply))
    except ProviderError as exc:
        text = "".join(pieces)
        reply = await _db(services.reply_fail)(
            reply, error=exc, content=text, model=model, usage=estimate_usage(messages, text) if text else None
        )
        settled = True
        yield Event("error", message_payload(reply))
    finally:
        stop.cancel()
        if not settled:  # the client went away mid-reply: keep what was written, as stopped
            text = "".join(pieces)
            await asyncio.shield(
                _db(services.reply_finish)(
                    reply,
                    content=text,
                    usage=estimate_usage(messages, text),
                    model=model,
                    status=Message.Status.STOPPED,
                )
            )


async def _until(stream: AsyncIterator[str | Usage], stop: asyncio.Future[None]) -> AsyncIterator[str | Usage]:
    """The stream's items until it ends or `stop` completes; a stop abandons the wait for the next item at once
    (even the first), which closes the provider request. A stop watcher that failed is ignored."""
    iterator = aiter(stream)
    while True:
        following: asyncio.Future[Any] = asyncio.ensure_future(anext(iterator))
        if not stop.done():
            await asyncio.wait([following, stop], return_when=asyncio.FIRST_COMPLETED)
        if stop.done() and stop.exception() is None and not following.done():
            following.cancel()
            with suppress(asyncio.CancelledError):
                await following
            return
        if stop.done() and stop.exception() is not None:
            logger.warning("Watching reply stops failed: %s", stop.exception())
        try:
            yield await following
        except StopAsyncIteration:
            return


async def collect_reply(reply: Message) -> Message:
    """Run a reply to the end without streaming it; returns the saved message."""
    async for _event in run_reply(reply):
        pass
    return await Message.objects.select_related("chat").aget(pk=reply.pk)
