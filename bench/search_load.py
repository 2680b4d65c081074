"""Search under concurrency: hybrid and semantic search beside keyword search on the same memos, in one run, at
1, 10 and 30 clients against one Quillium process (as `make run` serves it, DEBUG off).

Usage: .venv/bin/python bench/search_load.py [--memos 2000 --seconds 20 --clients 1,10,30 --modes keyword,hybrid]

Each client sends `GET /api/v1/search/?q=…&mode=…` with a JWT, back to back, a different query each time (two or
three words drawn from the memos' vocabulary, so no answer can come from a cache of repeated queries). For each
number of clients the modes take turns in rounds of `--seconds / rounds`, so both see the same machine. Printed:
requests a second, p50 and p95 latency, errors, and hybrid's p95 over keyword's. Client, server and PostgreSQL share
the machine's cores (printed with the load average).
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time

import httpx2
from harness import free_port, percentile, start_quillium, stop, wait_for

os.environ["DEBUG"] = "false"

TOPICS = [
    ("piano", "practice", "scales", "teacher", "recital", "chords"),
    ("garden", "tomatoes", "watering", "seedlings", "compost", "basil"),
    ("train", "station", "ticket", "delay", "commute", "platform"),
    ("recipe", "soup", "garlic", "simmer", "onions", "bread"),
    ("budget", "rent", "savings", "invoice", "taxes", "receipt"),
    ("running", "marathon", "knee", "stretching", "pace", "shoes"),
    ("novel", "chapter", "author", "library", "poetry", "ending"),
    ("meeting", "deadline", "project", "slides", "manager", "review"),
]
WORDS = [word for topic in TOPICS for word in topic]
EMAIL = "bench-search@example.com"


def memo_text(rng: random.Random, n: int) -> str:
    topic = rng.choice(TOPICS)
    picked = rng.sample(topic, 4)
    return (
        f"Note {n}: today was about {picked[0]} and {picked[1]}. Thought about the {picked[2]} again, "
        f"and wrote down something on {picked[3]} for later. #{topic[0]}"
    )


def setup(count: int) -> str:
    """A user with `count` memos, all embedded with the built-in model; returns an access token."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from accounts.services import user_create
    from memos.models import Memo
    from memos.notes import services
    from memos.search import services as search_services

    call_command("migrate", verbosity=0)
    user = User.objects.filter(email=EMAIL).first()
    if user is None or Memo.objects.filter(owner=user).count() != count:
        User.objects.filter(email=EMAIL).delete()
        user = user_create(email=EMAIL, password=None, name="Bench")
        rng = random.Random(7)
        for n in range(count):
            services.memo_create(owner=user, content=memo_text(rng, n))
        started = time.monotonic()
        for _done, _ in search_services.embeddings_catch_up(Memo.objects.filter(owner=user), batch=64):
            pass
        print(f"{count} memos written and embedded in {time.monotonic() - started:.0f} s")
    return str(RefreshToken.for_user(user).access_token)


def measure(base: str, token: str, mode: str, seconds: float, clients: int, seed: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(number: int) -> None:
        nonlocal errors
        rng = random.Random(seed * 1000 + number)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=base, headers=headers, timeout=120) as client:
            while time.monotonic() < deadline:
                query = " ".join(rng.sample(WORDS, rng.choice((2, 3))))
                sent = time.perf_counter()
                try:
                    response = client.get("/api/v1/search/", params={"q": query, "mode": mode})
                    ok = response.status_code == 200
                except httpx2.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        latencies.append((time.perf_counter() - sent) * 1000)
                    else:
                        errors += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memos", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20, help="per mode and number of clients")
    parser.add_argument("--clients", default="1,10,30")
    parser.add_argument("--modes", default="keyword,hybrid")
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    modes = options.modes.split(",")

    token = setup(options.memos)
    port = free_port()
    processes = [start_quillium(port, log_name="search-load-server")]
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        wait_for(f"{base}/healthz")
        for mode in modes:
            measure(base, token, mode, 2, 2, seed=0)  # warm: the model loaded, connections open
        for clients in (int(n) for n in options.clients.split(",")):
            results: dict[str, tuple[list[float], int, float]] = {mode: ([], 0, 0.0) for mode in modes}
            for round_number in range(options.rounds):
                order = modes if round_number % 2 == 0 else modes[::-1]
                for mode in order:
                    started = time.monotonic()
                    latencies, errors = measure(
                        base, token, mode, options.seconds / options.rounds, clients, seed=round_number
                    )
                    done, failed, elapsed = results[mode]
                    results[mode] = (done + latencies, failed + errors, elapsed + time.monotonic() - started)
            load = os.getloadavg()[0]
            for mode, (latencies, errors, elapsed) in results.items():
                rows.append((clients, mode, latencies, errors, elapsed, load))
    finally:
        stop(processes)

    print(f"{options.memos} memos, {options.seconds:.0f} s per mode and client count, {os.cpu_count()} cores:")
    p95: dict[tuple[int, str], float] = {}
    for clients, mode, latencies, errors, elapsed, load in rows:
        p95[(clients, mode)] = percentile(latencies, 0.95) if latencies else float("nan")
        print(f"  {clients:>3} clients  {mode:<8} {len(latencies) / elapsed:7.1f} req/s   "
              f"p50 {percentile(latencies, 0.5) if latencies else float('nan'):8.1f} ms   "
              f"p95 {p95[(clients, mode)]:8.1f} ms   errors {errors}   load {load:.1f}")  # fmt: skip
    for clients in sorted({row[0] for row in rows}):
        for mode in modes[1:]:
            print(f"  {clients:>3} clients: {mode} p95 / {modes[0]} p95 = "
                  f"{p95[(clients, mode)] / p95[(clients, modes[0])]:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
