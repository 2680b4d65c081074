"""Runs one reply: asks the provider, hands on every piece the moment it arrives, and saves the partial
text at most once a second (which is also when it notices a stop). Used by the API, streamed or not."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection

from ai import client
from ai import services as ai_services
from ai.client import Endpoint, Messages, ProviderError, Usage, estimate_usage
from ai.models import AIConfig
from chats import services
from chats.models import Message

SAVE_EVERY_SECONDS = 1.0


def release_connection() -> None:
    """Give this thread's database connection back to the pool.

    A streamed reply lasts seconds to minutes; a request thread that kept its connection all that time would
    cap concurrent replies at the pool size (25), and the 26th would wait for one to end.
    """
    if not connection.in_atomic_block:  # inside a transaction (tests) the connection must stay
        connection.close()


def in_thread[**P, R](function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
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


class Ahead:
    """The provider already being asked for a reply whose rows are still being written: the first read of its
    stream starts at once, so the send's insert overlaps the provider's time to first token (see chats.api.send).
    Hand it to `run_reply`, or `aclose()` it."""

    def __init__(self, endpoint: Endpoint, messages: Messages, model: str) -> None:
        self.messages, self.model = messages, model
        self._stream = client.stream(endpoint, messages, model=model)
        self._first: asyncio.Future[str | Usage] | None = asyncio.ensure_future(anext(self._stream))

    def __aiter__(self) -> Ahead:
        return self

    async def __anext__(self) -> str | Usage:
        if self._first is None:
            return await anext(self._stream)
        first, self._first = self._first, None
        return await first

    async def aclose(self) -> None:
        if self._first is not None:  # never read: drop the request, and whatever it ended with
            first, self._first = self._first, None
            first.cancel()
            await asyncio.wait([first])  # unlike `await first`, raises only if this task itself is cancelled
            if not first.cancelled():
                first.exception()  # retrieved, so asyncio doesn't log it as lost
        await self._stream.aclose()


def chat_model(reply: Message, endpoint: Endpoint) -> str:
    return reply.chat.model or endpoint.model


async def run_reply(reply: Message, prompt: Messages | None = None, ahead: Ahead | None = None) -> AsyncIterator[Event]:
    """Fill in `reply` (an assistant message in `streaming` state, with its chat loaded); `prompt` is
    `services.prompt_for(reply)` when the caller already has it, `ahead` the provider already asked for it."""
    source: Ahead | AsyncGenerator[str | Usage]
    if ahead is not None:
        messages, model, source = ahead.messages, ahead.model, ahead
    else:
        messages = prompt if prompt is not None else await in_thread(services.prompt_for)(reply)
        try:
            endpoint = await in_thread(ai_services.endpoint_of)(reply.chat.ai_config_id, AIConfig.Key.CHAT)
        except ProviderError as exc:
            reply = await in_thread(services.reply_fail)(reply, error=exc)
            yield Event("error", message_payload(reply))
            return
        model = chat_model(reply, endpoint)
        source = client.stream(endpoint, messages, model=model)

    pieces: list[str] = []
    usage: Usage | None = None
    settled = False  # the reply's final state is saved
    last_save = time.monotonic()
    still_running = in_thread(partial(services.reply_running, reply.pk))
    try:
        async with aclosing(source) as stream:
            async for item in _until_stopped(stream, still_running):
                if item is None:  # stopped by the user
                    break
                if isinstance(item, Usage):
                    usage = item
                    continue
                pieces.append(item)
                yield Event("delta", {"content": item})
                if time.monotonic() - last_save >= SAVE_EVERY_SECONDS:
                    last_save = time.monotonic()
                    if not await in_thread(services.reply_progress)(reply.pk, "".join(pieces)):
                        break  # stopped by the user
            else:  # the stream ran to its end
                text = "".join(pieces)
                reply = await in_thread(services.reply_finish)(
                    reply, content=text, usage=usage or estimate_usage(messages, text), model=model
                )
                settled = True
                yield Event("done", message_payload(reply))
                return
        text = "".join(pieces)
        reply = await in_thread(services.reply_finish)(
            reply, content=text, usage=estimate_usage(messages, text), model=model, status=Message.Status.STOPPED
        )
        settled = True
        yield Event("stopped", message_payload(reply))
    except ProviderError as exc:
        text = "".join(pieces)
        reply = await in_thread(services.reply_fail)(
            reply, error=exc, content=text, model=model, usage=estimate_usage(messages, text) if text else None
        )
        settled = True
        yield Event("error", message_payload(reply))
    finally:
        if not settled:  # the client went away mid-reply: keep what was written, as stopped
            text = "".join(pieces)
            await asyncio.shield(
                in_thread(services.reply_finish)(
                    reply,
                    content=text,
                    usage=estimate_usage(messages, text),
                    model=model,
                    status=Message.Status.STOPPED,
                )
            )


STOP_POLL_SECONDS = 0.5


async def _until_stopped(
    stream: AsyncIterator[str | Usage], still_running: Callable[[], Awaitable[bool]]
) -> AsyncIterator[str | Usage | None]:
    """The stream's items, or None once the user stopped the reply. While the provider is silent (before the first
    token, or stalling) the reply's row is checked every half second, and a stop abandons the wait at once, which
    closes the provider request; while pieces flow, the runner's once-a-second save notices a stop."""
    iterator = aiter(stream)
    while True:
        following: asyncio.Future[Any] = asyncio.ensure_future(anext(iterator))
        try:
            while not following.done():
                await asyncio.wait([following], timeout=STOP_POLL_SECONDS)
                if not following.done() and not await still_running():
                    await _abandon(following)  # before the caller closes the stream
                    yield None
                    return
        finally:  # the client went away mid-wait: never leave a read of the stream running
            if not following.done():
                await _abandon(following)
        try:
            yield following.result()
        except StopAsyncIteration:
            return


async def _abandon(read: asyncio.Future[Any]) -> None:
    read.cancel()
    with suppress(asyncio.CancelledError, StopAsyncIteration):
        await read


async def collect_reply(reply: Message) -> Message:
    """Run a reply to the end without streaming it; returns the saved message."""
    async for _event in run_reply(reply):
        pass
    return await Message.objects.select_related("chat").aget(pk=reply.pk)
