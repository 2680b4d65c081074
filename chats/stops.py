"""Stopping a running reply at once, from any server process, even before its first token.

`services.reply_stop` marks the reply stopped and sends a PostgreSQL NOTIFY with its id in the same transaction.
Each event loop with replies running keeps one LISTEN connection (outside the pool) and wakes the reply's runner,
which then closes the provider request. A runner also asks the database once it listens (a stop sent just before
would be missed otherwise) and every few seconds (a notification lost while the listener reconnected).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from contextlib import suppress

import psycopg
from asgiref.sync import sync_to_async
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "chats_reply_stop"
RECHECK_SECONDS = 5.0
RECONNECT_SECONDS = 1.0


def _connection_params() -> dict:
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's own wrappers, meaningless here
    params.pop("context", None)
    return params


class _Listener:
    """One LISTEN connection for the replies of one event loop; it closes when the last of them ends."""

    def __init__(self) -> None:
        self.waiters: dict[int, set[asyncio.Event]] = {}
        self.listening = asyncio.Event()
        self.task = asyncio.ensure_future(self._listen())

    async def _listen(self) -> None:
        params = await sync_to_async(_connection_params)()
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **params, autocommit=True, application_name="quillium-stops"
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    async for note in conn.notifies():
                        for event in self.waiters.get(int(note.payload), ()):
                            event.set()
            except (psycopg.Error, OSError, ValueError) as error:
                logger.warning("Listening for stopped replies failed (%s); retrying.", error)
            self.listening.clear()
            for events in self.waiters.values():  # they may have missed a stop: let them ask the database
                for event in events:
                    event.set()
            await asyncio.sleep(RECONNECT_SECONDS)


_listeners: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Listener] = weakref.WeakKeyDictionary()


def _listener() -> _Listener:
    loop = asyncio.get_running_loop()
    listener = _listeners.get(loop)
    if listener is None or listener.task.done():
        listener = _listeners[loop] = _Listener()
    return listener


async def until_stopped(reply_id: int, is_running: Callable[[], Awaitable[bool]]) -> None:
    """Return once the reply is stopped (by the user, from any process); cancel it when the reply ends."""
    listener = _listener()
    event = asyncio.Event()
    listener.waiters.setdefault(reply_id, set()).add(event)
    try:
        with suppress(TimeoutError):
            await asyncio.wait_for(listener.listening.wait(), RECHECK_SECONDS)
        while True:
            event.clear()
            if not await is_running():
                return
            with suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), RECHECK_SECONDS)
    finally:
        waiting = listener.waiters.get(reply_id, set())
        waiting.discard(event)
        if not waiting:
            listener.waiters.pop(reply_id, None)
        if not listener.waiters:
            listener.task.cancel()
            _listeners.pop(asyncio.get_running_loop(), None)
