"""How fast does the bot's data go in? Command logs through the API and underneath it, and quota consumes.

Runs against a separate embedded database under var/bench, emptying the game stats tables first:
1. API: `POST /api/v1/gamestats/commands/` with batches of 1,000 events (API key of a service account) to
   Quillium served as `make run` serves it (uvicorn, DEBUG off), from 1 and from 4 concurrent clients;
   rows per second end to end (JSON encoding, HTTP, validation, user/guild upserts, COPY, commit).
2. Bulk path underneath the API: `gamestats.ingest.store` on already-validated batches of 1,000 (upserts + COPY),
   COPY of the logs alone, and Django's `bulk_create` for comparison.
3. Quotas: `POST /api/v1/gamestats/api-usage/consume/` from 16 concurrent clients; consumes per second, latency,
   and a check that the counters add up exactly.

Usage: .venv/bin/python bench/ingest.py [--events 100000] [--consumes 3200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx2
from harness import free_port, percentile, start_quillium, stop, wait_for

BATCH = 1000
COMMANDS = ["ping", "wordle", "trivia", "weather", "screenshot", "ask", "translate", "remind", "poll", "help"]


def snowflakes(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    base = datetime(2020, 1, 1, tzinfo=UTC).timestamp() * 1000 - 1_420_070_400_000
    return [str((int(base) + rng.randrange(10**11)) << 22 | rng.randrange(1 << 22)) for _ in range(count)]


def make_events(count: int) -> list[dict]:
    rng = random.Random(1)
    users, guilds = snowflakes(5000, 2), snowflakes(100, 3)
    now = datetime.now(UTC)
    events = []
    for n in range(count):
        failed = rng.random() < 0.03
        events.append(
            {
                "user_id": rng.choice(users),
                "username": f"user{n % 5000}",
                "guild_id": rng.choice(guilds) if rng.random() < 0.9 else None,
                "command": rng.choice(COMMANDS),
                "args": {"query": f"something {n}", "count": n % 10},
                "execution_time_ms": int(rng.expovariate(1 / 80)),
                "success": not failed,
                "error_message": "upstream timed out" if failed else "",
                "ip_address": f"10.0.{n % 250}.{n % 200 + 1}",
                "user_agent": "UtilsBot+/2.1",
                "executed_at": (now - timedelta(seconds=count - n)).isoformat(),
            }
        )
    return events


def prepare() -> str:
    """Migrate, empty the game stats tables, return an API key of a service account."""
    import django

    django.setup()
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.services import api_key_create, user_create

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE gamestats_commandlog, gamestats_guildmember, gamestats_apiusage, gamestats_gamestats, "
            "gamestats_guild, gamestats_discorduser"
        )
    bot = User.objects.filter(email="bench-bot@localhost").first() or user_create(
        email="bench-bot@localhost", password=None
    )
    bot.user_permissions.add(Permission.objects.get(codename="ingest", content_type__app_label="gamestats"))
    from accounts import site_settings

    site_settings.set_value("gamestats_daily_limits", {"default": 1_000_000})
    return api_key_create(user=bot, name="bench")[1]


def rows_count() -> int:
    from gamestats.models import CommandLog

    return CommandLog.objects.count()


def post_batches(base: str, key: str, batches: list[list[dict]], clients: int) -> tuple[float, list[float]]:
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    latencies: list[float] = []

    def send(batch: list[dict]) -> None:
        with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
            started = time.perf_counter()
            response = http.post("/api/v1/gamestats/commands/", content=json.dumps({"events": batch}))
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"ingest failed: {response.status_code} {response.text[:300]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, batches))
    return time.perf_counter() - started, latencies


def measure_api(base: str, key: str, events: list[dict]) -> None:
    batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
    half = len(batches) // 2
    post_batches(base, key, batches[:2], 1)  # warm up
    for clients, chosen in ((1, batches[2:half]), (4, batches[half:])):
        before = rows_count()
        seconds, latencies = post_batches(base, key, chosen, clients)
        stored = rows_count() - before
        assert stored == sum(len(b) for b in chosen), (stored, len(chosen))
        print(
            f"API ingest, {clients} client(s), {len(chosen)} batches of {BATCH}: {stored / seconds:,.0f} rows/s "
            f"end to end; per request p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
        )


def measure_bulk(events: list[dict]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from gamestats import ingest
    from gamestats.models import CommandLog

    started = time.perf_counter()
    parsed = [ingest.parse(events[i : i + BATCH]) for i in range(0, len(events), BATCH)]
    validate_seconds = time.perf_counter() - started
    print(f"validation alone (pydantic): {len(events) / validate_seconds:,.0f} events/s")

    started = time.perf_counter()
    for batch in parsed:
        ingest.store(batch)
    seconds = time.perf_counter() - started
    print(f"bulk path (ingest.store: user, guild and member upserts + COPY, one transaction per 1,000): "
          f"{len(events) / seconds:,.0f} rows/s")  # fmt: skip

    flat = [event for batch in parsed for event in batch]
    for size in (BATCH, 10 * BATCH, len(flat)):
        started = time.perf_counter()
        for start in range(0, len(flat), size):
            with transaction.atomic(), connection.cursor() as cursor:
                ingest.copy_rows(cursor, flat[start : start + size], timezone.now())
        seconds = time.perf_counter() - started
        print(f"COPY of the logs alone, {size:,} rows a transaction: {len(flat) / seconds:,.0f} rows/s")

    objects = [
        CommandLog(
            user_id=e.user_id,
            guild_id=e.guild_id,
            command_name=e.command,
            command_args=e.args,
            execution_time_ms=e.execution_time_ms,
            success=e.success,
            error_message=e.error_message,
            ip_address=str(e.ip_address),
            user_agent=e.user_agent,
            executed_at=e.executed_at,
        )
        for e in flat[:20_000]
    ]
    started = time.perf_counter()
    CommandLog.objects.bulk_create(objects, batch_size=BATCH)
    seconds = time.perf_counter() - started
    print(
        f"for comparison, bulk_create ({len(objects):,} rows, batches of {BATCH}): {len(objects) / seconds:,.0f} rows/s"
    )


def measure_consumes(base: str, key: str, total: int, clients: int = 16) -> None:
    from gamestats.models import ApiUsage

    users = snowflakes(2000, 4)
    rng = random.Random(5)
    requests = [{"user_id": rng.choice(users), "api_name": rng.choice(["gemini", "screenshot"])} for _ in range(total)]
    per_client = [requests[n::clients] for n in range(clients)]
    latencies: list[float] = []
    allowed = 0

    def run(chunk: list[dict]) -> int:
        taken = 0
        headers = {"Authorization": f"Api-Key {key}"}
        with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
            for body in chunk:
                started = time.perf_counter()
                response = http.post("/api/v1/gamestats/api-usage/consume/", json=body)
                latencies.append(time.perf_counter() - started)
                taken += response.json()["allowed"]
        return taken

    before = sum(ApiUsage.objects.values_list("usage_count", flat=True))
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        allowed = sum(pool.map(run, per_client))
    seconds = time.perf_counter() - started
    counted = sum(ApiUsage.objects.values_list("usage_count", flat=True)) - before
    print(
        f"quota consumes, {clients} concurrent clients: {total / seconds:,.0f} consumes/s; "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms; "
        f"{allowed:,} allowed, {counted:,} counted ({'exact' if counted == allowed else 'MISMATCH'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--consumes", type=int, default=3200)
    parser.add_argument("--only", choices=["api", "bulk", "consumes"], help="run one part")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    args = parser.parse_args()
    if args.events < 10 * BATCH:
        parser.error(f"--events must be at least {10 * BATCH:,}")

    key = prepare()
    events = make_events(args.events)
    port = free_port()
    processes = [start_quillium(port, workers=args.workers)]
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        print(
            f"quillium: uvicorn at {base} (DEBUG off, {args.workers} worker(s)); "
            f"{args.events:,} events for 5,000 users in 100 guilds"
        )
        if args.only in (None, "api"):
            measure_api(base, key, events)
        if args.only in (None, "bulk"):
            measure_bulk(events)
        if args.only in (None, "consumes"):
            measure_consumes(base, key, args.consumes)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
