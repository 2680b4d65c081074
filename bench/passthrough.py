"""The floor for a streaming proxy: a bare ASGI app that forwards POST /v1/chat/completions to the upstream and
relays its bytes as they come, no framework, no database. Served by uvicorn like Quillium (bench/chat_stream.py).

Usage: UPSTREAM=http://127.0.0.1:PORT/v1 .venv/bin/python -m uvicorn --app-dir bench passthrough:app --port N
"""

from __future__ import annotations

import os
from typing import Any

import httpx2

UPSTREAM = os.environ.get("UPSTREAM", "http://127.0.0.1:8000/v1")
client = httpx2.AsyncClient(timeout=60, limits=httpx2.Limits(max_connections=200, max_keepalive_connections=200))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"].removeprefix("/v1")
    if scope["method"] == "GET":
        response = await client.get(UPSTREAM + path)
        await send({"type": "http.response.start", "status": response.status_code, "headers": []})
        await send({"type": "http.response.body", "body": response.content})
        return
    headers = {"Content-Type": "application/json"}
    async with client.stream("POST", UPSTREAM + path, content=body, headers=headers) as response:
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": [(b"content-type", b"text/event-stream")]})  # fmt: skip
        async for chunk in response.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
