"""How much time does Quillium add to a streamed chat reply?

Starts the loopback OpenAI-protocol upstream (tests/fakes) streaming a fixed reply in its own process, and
Quillium (uvicorn, as `make run` serves it) against a separate embedded database under var/bench. Then, for 1
and for 50 concurrent conversations, measures time to first token and total time through Quillium and straight
to the upstream, and prints the added time (p50/p95/p99, ms). Also checks that every upstream chunk arrives as its
own event and counts database writes per stream.

Usage: .venv/bin/python bench/chat_stream.py [--rounds 4] [--pieces 20] [--gap-ms 20] [--workers 1]
BENCH_PROFILE=/tmp/server.prof profiles the Quillium server with cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator

import httpx2
from harness import ROOT, free_port, percentile, start, start_quillium, stop, wait_for

UPSTREAM = """
import sys, time
sys.path.insert(0, {root!r})
from tests.fakes.openai_server import FakeOpenAI
fake = FakeOpenAI(port={port})
fake.script(pieces=[f" tok{{n}}" for n in range({pieces})], delay={gap})
fake.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


def prepare(upstream_url: str, conversations: int) -> tuple[str, list[int]]:
    """Migrate the bench database, point the chat config at the upstream, return a token and chat ids."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from accounts.services import user_create
    from ai.models import AIConfig
    from ai.services import ai_config_save
    from chats.models import Chat
    from chats.services import chat_create

    call_command("migrate", verbosity=0)
    user = User.objects.filter(email="bench@localhost").first() or user_create(
        email="bench@localhost", password=None, name="Bench"
    )
    config = AIConfig.objects.filter(key="chat").first() or AIConfig(key="chat")
    config.base_url, config.model, config.timeout_seconds = upstream_url, "fake-small", 30
    ai_config_save(config, api_key="")
    Chat.objects.filter(owner=user).delete()
    chats = [chat_create(owner=user, title=f"bench {n}").pk for n in range(conversations)]
    return str(RefreshToken.for_user(user).access_token), chats


async def through_quillium(client: httpx2.AsyncClient, base: str, token: str, chat: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    first, deltas = None, 0
    async with client.stream(
        "POST",
        f"{base}/api/v1/chats/{chat}/messages/",
        json={"content": "go"},
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
    ) as response:
        if response.status_code != 200:
            raise SystemExit(f"Quillium answered {response.status_code}: {(await response.aread())[:300]!r}")
        async for line in response.aiter_lines():
            if line.startswith("event: error"):
                raise SystemExit(f"the reply failed: {line}")
            if line == "event: delta":
                deltas += 1
                first = first or time.perf_counter()
    return first - started, time.perf_counter() - started, deltas


async def direct(client: httpx2.AsyncClient, upstream: str, key: str = "") -> tuple[float, float, int]:
    started = time.perf_counter()
    first, chunks = None, 0
    body = {"model": "fake-small", "messages": [{"role": "user", "content": "go"}], "stream": True}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with client.stream("POST", f"{upstream}/chat/completions", json=body, headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: {") and '"content"' in line:
                chunks += 1
                first = first or time.perf_counter()
    return first - started, time.perf_counter() - started, chunks


COUNT_WRITES = """
CREATE TABLE IF NOT EXISTS bench_message_writes (message_id bigint, at timestamptz DEFAULT clock_timestamp());
TRUNCATE bench_message_writes;
CREATE OR REPLACE FUNCTION bench_count_write() RETURNS trigger AS $$
BEGIN INSERT INTO bench_message_writes (message_id) VALUES (NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER bench_count_write AFTER UPDATE ON chats_message
    FOR EACH ROW WHEN (NEW.role = 'assistant') EXECUTE FUNCTION bench_count_write();
"""


def count_writes(start: bool) -> list[int]:
    """Bench database only: a trigger records each UPDATE of a reply; returns writes per reply so far."""
    from django.db import connection

    with connection.cursor() as cursor:
        if start:
            cursor.execute(COUNT_WRITES)
            return []
        cursor.execute("SELECT count(*) FROM bench_message_writes GROUP BY message_id")
        return [row[0] for row in cursor.fetchall()]


async def measure(
    base: str, upstream: str, token: str, chats: Iterator[int], concurrency: int, rounds: int,
    references: dict[str, str] | None = None, detail: bool = False,
) -> dict:  # fmt: skip
    """Quillium, the upstream straight, and each reference proxy (name → its /v1 URL), interleaved round by round
    so all see the same machine load; times added over the upstream straight.

    The order of the paths turns by one each round, so each path follows each other one equally often: a server
    still busy after its stream has ended (LiteLLM logs and accounts for a request after its last byte) slows
    whichever path comes next, and with a fixed order that was always the same one."""
    limits = httpx2.Limits(max_connections=concurrency * 4, max_keepalive_connections=concurrency * 4)
    references = references or {}
    paths: dict[str, Callable[[httpx2.AsyncClient], Awaitable[tuple[float, float, int]]]] = {
        "straight": lambda client: direct(client, upstream),
        **{name: functools.partial(direct, upstream=url, key="sk-bench") for name, url in references.items()},
        "quillium": lambda client: through_quillium(client, base, token, next(chats)),
    }
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in paths}
    names = list(paths)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as client:
        for number in range(rounds):
            turn = number % len(names)
            for position, name in enumerate(names[turn:] + names[:turn]):
                batch = await asyncio.gather(*(paths[name](client) for _ in range(concurrency)))
                results[name] += batch
                if detail and concurrency > 1:
                    firsts = [r[0] * 1000 for r in batch]
                    print(f"  round {number + 1}, {position + 1}. {name}: TTFT p50 {statistics.median(firsts):.1f}"
                          f" p95 {percentile(firsts, 0.95):.1f} ms", file=sys.stderr)  # fmt: skip
    quillium, straight = results.pop("quillium"), results.pop("straight")
    via = results

    def added(index: int, pick, results=None) -> float:
        return (pick([r[index] for r in (results or quillium)]) - pick([r[index] for r in straight])) * 1000

    def p99(values: list[float]) -> float:
        return percentile(values, 0.99)

    def p95(values: list[float]) -> float:
        return percentile(values, 0.95)

    others = {}
    for name, results in via.items():
        others[f"{name}_ttft_added_p50_ms"] = added(0, statistics.median, results)
        others[f"{name}_ttft_added_p95_ms"] = added(0, p95, results)
    return {
        **others,
        "ttft_added_p95_ms": added(0, p95),
        "concurrency": concurrency,
        "samples": len(quillium),
        "ttft_direct_p50_ms": statistics.median(r[0] for r in straight) * 1000,
        "ttft_quillium_p50_ms": statistics.median(r[0] for r in quillium) * 1000,
        "ttft_added_p50_ms": added(0, statistics.median),
        "ttft_added_p99_ms": added(0, p99),
        "total_added_p50_ms": added(1, statistics.median),
        "total_added_p99_ms": added(1, p99),
        "chunks_forwarded": f"{min(r[2] for r in quillium)}/{max(r[2] for r in straight)}",
    }


def start_passthrough(upstream_url: str, processes: list) -> str:
    """The bare ASGI relay (bench/passthrough.py) under uvicorn: the floor any proxy stands on."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "passthrough:app", "--port",
               str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    processes.append(start(command, env={**os.environ, "UPSTREAM": upstream_url}, log_name="passthrough"))
    return f"http://127.0.0.1:{port}/v1"


LITELLM_CONFIG = """model_list:
  - model_name: fake-small
    litellm_params: {{model: openai/fake-small, api_base: "{upstream}", api_key: sk-bench}}
general_settings: {{master_key: sk-bench}}
litellm_settings: {{telemetry: false, drop_params: true}}
"""


def start_litellm(upstream_url: str, processes: list) -> str | None:
    """LiteLLM's proxy from its own venv (var/bench/litellm-venv), pointed at the same upstream; None when absent."""
    binary = ROOT / "var" / "bench" / "litellm-venv" / "bin" / "litellm"
    if not binary.exists():
        return None
    port = free_port()
    config = ROOT / "var" / "bench" / "litellm.yaml"
    config.write_text(LITELLM_CONFIG.format(upstream=upstream_url))
    env = {**os.environ, "LITELLM_LOG": "ERROR", "LITELLM_TELEMETRY": "False", "DISABLE_SCHEMA_UPDATE": "true"}
    env.pop("DATABASE_URL", None)
    processes.append(start([str(binary), "--config", str(config), "--port", str(port), "--num_workers", "1"],
                           env=env, log_name="litellm"))  # fmt: skip
    return f"http://127.0.0.1:{port}/v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="rounds of 50 at once, and 20 single streams per round (default 4: with the four paths, each comes "
        "first, second, third and last equally often)",
    )
    parser.add_argument("--pieces", type=int, default=20, help="chunks in the upstream reply (default 20)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--gap-ms", type=float, default=20, help="upstream delay before each chunk (default 20)")
    parser.add_argument("--detail", action="store_true", help="print each batch of concurrent streams (to stderr)")
    args = parser.parse_args()

    upstream_port, quillium_port = free_port(), free_port()
    upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
    code = UPSTREAM.format(root=str(ROOT), port=upstream_port, pieces=args.pieces, gap=args.gap_ms / 1000)
    processes = [start([sys.executable, "-c", code], log_name="upstream")]
    try:
        wait_for(f"{upstream_url}/models")
        print(f"upstream: {args.pieces} chunks, {args.gap_ms:g} ms apart, at {upstream_url}")
        # A new chat for every request, so Quillium sends the upstream the same one-message prompt as the others
        # (a chat whose history grew over the rounds would send up to 70 messages by the end).
        token, chat_ids = prepare(upstream_url, 1 + args.rounds * 20 + args.rounds * 50)
        chats = iter(chat_ids)
        profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []
        processes.append(start_quillium(quillium_port, profile, workers=args.workers))
        base = f"http://127.0.0.1:{quillium_port}"
        wait_for(f"{base}/healthz")
        print(f"quillium: uvicorn at {base} (DEBUG off), database under {os.environ['DATA_DIR']}")

        references = {"passthrough": start_passthrough(upstream_url, processes)}
        litellm = start_litellm(upstream_url, processes)
        if litellm:
            references["litellm"] = litellm
        else:
            print("LiteLLM reference skipped: no var/bench/litellm-venv (see the README of bench/)")
        for url in references.values():
            wait_for(f"{url}/models", seconds=120)
        asyncio.run(measure(base, upstream_url, token, chats, 1, 1, references))  # warm up
        count_writes(start=True)
        for concurrency in (1, 50):
            rounds = args.rounds * (20 if concurrency == 1 else 1)  # a p95 of 30 samples was the 2nd-worst
            result = asyncio.run(
                measure(base, upstream_url, token, chats, concurrency, rounds, references, args.detail)
            )
            print(
                json.dumps(
                    {key: round(value, 2) if isinstance(value, float) else value for key, value in result.items()}
                )
            )
        writes = count_writes(start=False)
        reply_seconds = args.pieces * args.gap_ms / 1000
        print(
            f"database writes per reply ({args.pieces} chunks over ~{reply_seconds:.1f} s): "
            f"median {statistics.median(writes):g}, max {max(writes)} "
            f"(once a second allows {int(reply_seconds) + 1}; once per chunk would be {args.pieces})"
        )
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
