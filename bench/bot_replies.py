"""200 memos saved at once with an auto-reply bot: is every reply written exactly once, and how long until all are?

Runs against a separate embedded database under var/bench: Quillium served as `make run` serves it (uvicorn, DEBUG
off) plus WORKERS task workers (`manage.py worker`), a bot with `auto_reply` pointed at the loopback OpenAI fake
(`tests/fakes/openai_server.py`, streaming a short reply), and CLIENTS threads posting the memos through the API at
the same time. Then it waits until no bot reply is pending or being written, and counts.

Usage: .venv/bin/python bench/bot_replies.py [--memos 200 --clients 20 --workers 2 --delay-ms 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
from harness import ROOT, free_port, percentile, start, start_quillium, stop, wait_for


def setup(fake_url: str) -> str:
    """A fresh user with an auto-reply bot; returns an access token for them."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from accounts.services import user_create
    from ai.models import AIConfig
    from ai.services import ai_config_save
    from bots.services import bot_create

    call_command("migrate", verbosity=0)
    # Tasks other benches queued with no worker running (the timeline's 300 memos each left an embedding) would be
    # worked off first and counted in this run's time: a run after the timeline bench took 72 s instead of 40.
    left = DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()[0]
    if left:
        print(f"dropped {left} tasks queued in the bench database by earlier runs")
    User.objects.filter(email="bench-bots@example.com").delete()
    user = user_create(email="bench-bots@example.com", password=None, name="Bench")
    AIConfig.objects.filter(key__in=["chat", "bot"]).delete()
    ai_config_save(AIConfig(key="chat", base_url=fake_url, model="fake-small", timeout_seconds=10), api_key="sk-bench")
    bot_create(owner=user, name="Echo", description="Answers every note.", auto_reply=True)
    return str(RefreshToken.for_user(user).access_token)


def counts() -> dict[str, int]:
    from django.db.models import Count

    from bots.models import BotReply

    rows = BotReply.objects.filter(owner__email="bench-bots@example.com")
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    per_memo = rows.values("memo").annotate(n=Count("id"))
    return {
        **by_status,
        "memos_answered": per_memo.count(),
        "memos_answered_twice": per_memo.filter(n__gt=1).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memos", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--delay-ms", type=int, default=20, help="Gap before each streamed piece of a reply.")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from tests.fakes.openai_server import FakeOpenAI

    fake = FakeOpenAI().start()
    fake.script(reply="Noted, and linked to what you wrote before.", delay=options.delay_ms / 1000)
    token = setup(fake.url)
    port = free_port()
    processes = [start_quillium(port)]
    manage = [sys.executable, str(ROOT / "manage.py")]
    processes += [
        start([*manage, "worker", "--no-reload", "--interval", "0.1"], log_name=f"worker-{n}")
        for n in range(options.workers)
    ]
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/healthz")
    headers = {"Authorization": f"Bearer {token}"}

    def post(n: int) -> float:
        sent = time.perf_counter()
        response = httpx2.post(f"{base}/api/v1/memos/", json={"content": f"Note {n} of the bench"}, headers=headers,
                               timeout=60)  # fmt: skip
        response.raise_for_status()
        return time.perf_counter() - sent

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(options.clients) as pool:
            latencies = list(pool.map(post, range(options.memos)))
        saved = time.perf_counter() - started
        while True:
            now = counts()
            if (
                now.get("complete", 0) + now.get("failed", 0) >= options.memos
                and not now.get("pending")
                and not now.get("running")
            ):
                break
            if time.perf_counter() - started > 600:
                print("gave up after 600 s", now)
                break
            time.sleep(0.2)
        done = time.perf_counter() - started
    finally:
        stop(processes)
        fake.stop()

    print(f"{options.memos} memos from {options.clients} clients, {options.workers} workers, reply pieces "
          f"{options.delay_ms} ms apart")  # fmt: skip
    print(f"  all memos saved after {saved:.2f} s (POST p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms)")  # fmt: skip
    print(f"  all replies written after {done:.2f} s ({options.memos / done:.1f} replies/s)")
    print(f"  replies: {now}")
    ok = (
        now.get("complete", 0) == options.memos
        and now["memos_answered"] == options.memos
        and now["memos_answered_twice"] == 0
    )
    print("  every memo answered exactly once, none lost" if ok else "  MISMATCH: see the counts above")


if __name__ == "__main__":
    main()
