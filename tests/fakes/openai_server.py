"""A real HTTP server on loopback that speaks the OpenAI protocol, scripted per test.

It answers /v1/models, /v1/chat/completions (whole or streamed as SSE, with usage) and /v1/embeddings, and
can instead fail with a status, stream slowly, cut the stream, or hang. The benchmarks use it too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the server does next; tests change it with `server.script(...)`."""

    reply: str = "Hello from the fake model."
    pieces: list[str] | None = None  # streamed pieces; default: the reply split into words
    delay: float = 0.0  # seconds before each streamed piece
    status: int = 200
    error: str = "scripted failure"
    cut_after: int | None = None  # stream this many pieces, then drop the connection
    hang: bool = False  # accept the request and never answer
    usage: bool = True
    models: list[str] = field(default_factory=lambda: ["fake-small", "fake-large"])
    dimensions: int = 8

    def stream_pieces(self) -> list[str]:
        if self.pieces is not None:
            return self.pieces
        words = self.reply.split(" ")
        return [word if i == 0 else " " + word for i, word in enumerate(words)]


def _peer_closed(sock: socket.socket) -> bool:
    """The client closed its end (readable, yet nothing to read)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the benchmark opens 50+ connections at once


class FakeOpenAI:
    """Start with `start()`; `url` is the base URL to configure (…/v1)."""

    def __init__(self, port: int = 0) -> None:
        self.current = Script()
        self.requests: list[dict[str, Any]] = []
        self.hangups: list[float] = []  # when a client gave up on a hanging request (monotonic clock)
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as real servers do: a small event must not wait for the client's ACK

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fake._handle(self, json.loads(self.rfile.read(length) or b"{}"))

        self.server = _Server(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def start(self) -> FakeOpenAI:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def script(self, **changes: Any) -> Script:
        """Replace the script (fields not given take their defaults) and forget recorded requests."""
        self._release.set()  # let any hanging handler of a previous test go
        self._release = threading.Event()
        self.current = Script(**changes)
        self.requests.clear()
        self.hangups.clear()
        return self.current

    # -- request handling -------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, body: dict | None) -> None:
        script = self.current
        self.requests.append(
            {"path": handler.path, "body": body, "authorization": handler.headers.get("Authorization")}
        )
        if script.hang:
            release = self._release
            deadline = time.monotonic() + 120
            while not release.wait(0.02) and time.monotonic() < deadline:
                if _peer_closed(handler.connection):
                    self.hangups.append(time.monotonic())
                    break
            handler.close_connection = True
            return
        if script.status != 200:
            self._json(handler, script.status, {"error": {"message": script.error, "type": "scripted"}})
            return
        if handler.path.endswith("/models"):
            data = [{"id": name, "object": "model", "created": 0, "owned_by": "fake"} for name in script.models]
            self._json(handler, 200, {"object": "list", "data": data})
        elif handler.path.endswith("/chat/completions"):
            if body.get("stream"):
                self._stream(handler, script, body)
            else:
                self._json(handler, 200, self._completion(script, body))
        elif handler.path.endswith("/embeddings"):
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            as_base64 = body.get("encoding_format") == "base64"  # what the openai SDK asks for by default
            data = [
                {"object": "embedding", "index": i, "embedding": encoded(vector(text, script.dimensions), as_base64)}
                for i, text in enumerate(inputs)
            ]
            usage = {"prompt_tokens": len(inputs), "total_tokens": len(inputs)}
            self._json(handler, 200, {"object": "list", "data": data, "model": body["model"], "usage": usage})
        else:
            self._json(handler, 404, {"error": {"message": f"no route {handler.path}"}})

    @staticmethod
    def _usage(body: dict, reply: str) -> dict[str, int]:
        def words(content: str | list) -> int:  # text, or a vision message's parts (an image counts as 85)
            if isinstance(content, str):
                return len(content.split())
            return sum(len(part.get("text", "").split()) if part.get("type") == "text" else 85 for part in content)

        prompt = sum(words(message["content"]) for message in body["messages"])
        completion = len(reply.split())
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _completion(self, script: Script, body: dict) -> dict:
        response = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": script.reply}, "finish_reason": "stop"}
            ],
        }
        if script.usage:
            response["usage"] = self._usage(body, script.reply)
        return response

    def _stream(self, handler: BaseHTTPRequestHandler, script: Script, body: dict) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def chunk(payload: dict | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            event = f"data: {data}\n\n".encode()
            handler.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            handler.wfile.flush()

        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
        try:
            chunk({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})
            for number, piece in enumerate(script.stream_pieces()):
                if script.cut_after is not None and number >= script.cut_after:
                    handler.close_connection = True
                    return  # no terminating chunk: the client sees a broken stream
                if script.delay:
                    time.sleep(script.delay)
                chunk({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            chunk({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            include_usage = (body.get("stream_options") or {}).get("include_usage")
            if script.usage and include_usage:
                reply = "".join(script.stream_pieces())
                chunk({**base, "choices": [], "usage": self._usage(body, reply)})
            chunk("[DONE]")
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def encoded(values: list[float], as_base64: bool) -> list[float] | str:
    """Floats, or base64 of little-endian float32 as OpenAI sends when asked."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode() if as_base64 else values


def vector(text: str, dimensions: int) -> list[float]:
    """A deterministic unit vector for `text`."""
    digest = hashlib.sha256(text.encode()).digest()
    raw = [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dimensions)]
    norm = sum(value * value for value in raw) ** 0.5 or 1.0
    return [value / norm for value in raw]
