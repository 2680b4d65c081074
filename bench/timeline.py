"""The memo timeline's throughput beside a constant page's, in one run: how many `/memos/` pages a second one
Quillium process serves to a signed-in person with 300 Markdown memos, next to `/healthz`.

Usage: .venv/bin/python bench/timeline.py [--memos 300 --seconds 10 --clients 4] [--against DIR] [--explore]

`--against DIR` also serves `/memos/` from another checkout of Quillium (e.g. `git worktree add /tmp/before
d8ff93a`, the commit before the timeline work) on the same database and virtualenv, and measures the two in
alternating rounds, so "n times faster" compares code with code under the same load. `--explore` shares a third
of the memos with the household and also measures `/memos/explore/` (everyone's shared memos) in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
from harness import free_port, percentile, start_quillium, stop, wait_for

os.environ["DEBUG"] = "false"

MEMO = """## Day {n}

Walked to the **market** and bought *figs*; see [the recipe](https://example.com/figs/{n}).

- one
- two with `code`
- three

```python
print("note {n}")
```

| a | b |
| --- | --- |
| {n} | {m} |

#journal #food{k}
"""


def setup(count: int, share: bool = False) -> str:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from accounts.services import user_create
    from memos.notes.services import memo_create

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    User.objects.filter(email="bench-timeline@example.com").delete()
    user = user_create(email="bench-timeline@example.com", password=None, name="Bench")
    for n in range(count):
        shared = {"visibility": "household" if n % 3 == 0 else "private"} if share else {}
        memo_create(owner=user, content=MEMO.format(n=n, m=n * 7, k=n % 5), **shared)
        if n and n % 2000 == 0:
            print(f"  {n} memos written", flush=True)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def measure(base: str, cookie: str, url: str, seconds: float, clients: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        with httpx2.Client(base_url=base, cookies={"sessionid": cookie}, timeout=30) as client:
            while time.monotonic() < deadline:
                sent = time.perf_counter()
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                with lock:
                    latencies.append((time.perf_counter() - sent) * 1000)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - started), latencies


def start_checkout(checkout: Path, port: int) -> subprocess.Popen:
    """Another checkout's server, its static files collected first."""
    manage = [sys.executable, str(checkout / "manage.py"), "collectstatic", "--no-input", "-v0"]
    subprocess.run(manage, env={**os.environ, "DEBUG": "false"}, check=True, cwd=checkout)
    return start_quillium(port, root=checkout, log_name="timeline-against")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memos", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--against", type=Path, help="another checkout to measure /memos/ of, in the same run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds with --against (default 3)")
    parser.add_argument("--explore", action="store_true", help="also /memos/explore/, a third of the memos shared")
    options = parser.parse_args()

    cookie = setup(options.memos, share=options.explore)
    port = free_port()
    processes = [start_quillium(port)]
    base = f"http://127.0.0.1:{port}"
    targets = [("/memos/ (timeline)", base, "/memos/"), ("/healthz (reference)", base, "/healthz")]
    if options.explore:
        targets.insert(1, ("/memos/explore/", base, "/memos/explore/"))
    if options.against:
        other = free_port()
        processes.append(start_checkout(options.against.resolve(), other))
        targets.insert(1, (f"/memos/ at {options.against.name}", f"http://127.0.0.1:{other}", "/memos/"))
    try:
        for _, url, _ in targets:
            wait_for(f"{url}/healthz")
        results: dict[str, tuple[int, float, list[float]]] = {name: (0, 0.0, []) for name, _, _ in targets}
        rounds = options.rounds if options.against or options.explore else 1
        for _ in range(rounds):
            for name, url, path in targets:
                measure(url, cookie, path, 2, options.clients)  # warm
                count, seconds, latencies = results[name]
                rate, more = measure(url, cookie, path, options.seconds / rounds, options.clients)
                results[name] = (count + len(more), seconds + len(more) / rate, latencies + more)
    finally:
        stop(processes)
    print(f"{options.memos} memos, {options.clients} clients, {options.seconds:.0f} s each, one server process each:")
    for name, (count, seconds, latencies) in results.items():
        print(f"  {name:<28} {count / seconds:7.1f} req/s   p50 {percentile(latencies, 0.5):6.1f} ms   "
              f"p95 {percentile(latencies, 0.95):6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
