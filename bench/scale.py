"""Several web processes: the same mixed load through nginx in front of 1, 2 and 4 of them, side by side in one run,
on the cluster `scripts/cluster` starts (PostgreSQL over TCP, Redis, 2 workers, 2 schedulers, DEBUG off); with
`--faults`, a drill that kills parts of it under load.

Usage: .venv/bin/python bench/scale.py [--clients 20 --seconds 20 --rounds 2 --levels 1,2,4] [--faults]

The load: each client, back to back, picks one of: the memo list (API, 35 %), the timeline page (signed in, 20 %),
a new memo (API, 20 %; each one is embedded by a worker), hybrid search (API, 15 %), and a new chat with one
question streamed from the loopback OpenAI-protocol server (10 %, 10 pieces 20 ms apart). The levels take turns
each round (1, 2, 4, then 4, 2, 1) so each sees the same machine; all four web servers run throughout, and each level
has an nginx of its own in front of its first N. Printed: requests a second, p50 and p95 per level and per kind,
errors, the machine's cores and load.

The drill (`--faults`, at the highest level, TASK_LEASE_SECONDS=10): kill -9 one web server, one worker, the active
scheduler, then restart Redis, a few seconds apart; it reports the errors seen through nginx by kind, whether every
acknowledged memo is in the database, the tasks run again after their worker died, when the standby scheduler took
over, and the sign-in throttle after Redis came back.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx2
from harness import ROOT, free_port, percentile, start, wait_for

sys.path.insert(0, str(ROOT / "scripts"))
from cluster import Cluster  # noqa: E402

UPSTREAM = """
import sys, time
sys.path.insert(0, {root!r})
from tests.fakes.openai_server import FakeOpenAI
fake = FakeOpenAI(port={port})
fake.script(pieces=[f" tok{{n}}" for n in range(10)], delay=0.02)
fake.start()
while True:
    time.sleep(3600)
"""
WORDS = "piano garden train recipe budget running novel meeting tomatoes station soup invoice chapter slides".split()
KINDS = [("list", 35), ("timeline", 20), ("create", 20), ("search", 15), ("chat", 10)]
EMAIL = "bench-scale@example.com"


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)  # (kind, status) -> count
    timeline: list[tuple[float, str, int]] = field(default_factory=list)  # (sent, kind, status) of failures
    created: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def merge(self, other: Results) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind] += values
        self.errors.update(other.errors)
        self.timeline += other.timeline
        self.created += other.created
        self.elapsed += other.elapsed

    def all(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def prepare(upstream: str, memos: int) -> tuple[str, str]:
    """The bench user with `memos` embedded memos, the chat config pointing at the upstream; a JWT and a session."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from accounts.services import user_create
    from ai.models import AIConfig
    from ai.services import ai_config_save
    from memos.models import Memo
    from memos.notes import services
    from memos.search import services as search_services

    user = User.objects.filter(email=EMAIL).first() or user_create(email=EMAIL, password="bench-pass-1", name="B")
    if Memo.objects.filter(owner=user).count() < memos:
        rng = random.Random(3)
        for n in range(memos):
            services.memo_create(owner=user, content=f"Note {n}: " + " ".join(rng.sample(WORDS, 5)))
        for _ in search_services.embeddings_catch_up(Memo.objects.filter(owner=user), batch=64):
            pass
    config = AIConfig.objects.filter(key="chat").first() or AIConfig(key="chat")
    config.base_url, config.model, config.timeout_seconds = upstream, "fake-small", 30
    ai_config_save(config, api_key="")
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "accounts.authentication.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(RefreshToken.for_user(user).access_token), session.session_key


def one(client: httpx2.Client, kind: str, rng: random.Random, results: Results) -> None:
    sent = time.perf_counter()
    created = None
    try:
        if kind == "list":
            status = client.get("/api/v1/memos/", params={"page_size": 20}).status_code
        elif kind == "timeline":
            status = client.get("/memos/").status_code
        elif kind == "create":
            response = client.post("/api/v1/memos/", json={"content": "Load " + " ".join(rng.sample(WORDS, 4))})
            status = response.status_code
            created = response.json()["id"] if status == 201 else None
        elif kind == "search":
            params = {"q": " ".join(rng.sample(WORDS, 2)), "mode": "hybrid"}
            status = client.get("/api/v1/search/", params=params).status_code
        else:
            chat = client.post("/api/v1/chats/", json={"title": "load"})
            status = chat.status_code
            if status == 201:
                headers = {"Accept": "text/event-stream"}
                url = f"/api/v1/chats/{chat.json()['id']}/messages/"
                with client.stream("POST", url, json={"content": "go"}, headers=headers) as stream:
                    status = stream.status_code
                    body = "".join(stream.iter_text())
                    if status == 200 and "event: done" not in body:
                        status = 599  # the stream broke off
    except httpx2.HTTPError:
        status = 0
    took = (time.perf_counter() - sent) * 1000
    with results.lock:
        if status in (200, 201):
            results.latencies[kind].append(took)
            if created:
                results.created.append(str(created))
        else:
            results.errors[(kind, status)] += 1
            results.timeline.append((time.monotonic(), kind, status))


def load(base: str, token: str, session: str, clients: int, seconds: float, seed: int) -> Results:
    results = Results()
    deadline = time.monotonic() + seconds
    kinds, weights = zip(*KINDS, strict=True)

    def run(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=base, headers=headers, cookies={"sessionid": session}, timeout=60) as client:
            while time.monotonic() < deadline:
                one(client, rng.choices(kinds, weights)[0], rng, results)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.elapsed = time.monotonic() - started
    return results


def line(label: str, results: Results) -> str:
    values = results.all()
    p50, p95 = (percentile(values, 0.5), percentile(values, 0.95)) if values else (float("nan"),) * 2
    errors = sum(results.errors.values())
    rate = len(values) / results.elapsed
    return f"{label:<10} {rate:7.1f} req/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   errors {errors}"


def cpu_seconds(cluster: Cluster) -> dict[str, float]:
    """CPU time (user + system) used so far by each part: web servers, workers, schedulers, PostgreSQL (its
    backends, and those that already exited), Redis, nginx and this load generator."""
    import psutil

    parts: dict[str, list[psutil.Process]] = defaultdict(list)
    for name, process in cluster.helpers.processes.items():
        parts[name.split("-")[0]].append(psutil.Process(process.pid))
    postmaster = psutil.Process(int((cluster.dir / "postgres" / "postmaster.pid").read_text().split()[0]))
    parts["postgres"] = [postmaster, *postmaster.children()]
    parts["redis"] = [psutil.Process(cluster.redis.pid)]
    for nginx in [cluster.nginx, *cluster.balancers]:
        master = psutil.Process(nginx.pid)
        parts["nginx"] += [master, *master.children()]
    parts["load"] = [psutil.Process()]
    used: dict[str, float] = defaultdict(float)
    for part, processes in parts.items():
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            used[part] += times.user + times.system
            if process is postmaster:
                used[part] += times.children_user + times.children_system
    return used


def drained(seconds: float = 300) -> None:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + seconds
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists() and time.monotonic() < deadline:
        time.sleep(1)


def scale(cluster: Cluster, token: str, session: str, options: argparse.Namespace) -> None:
    levels = [int(n) for n in options.levels.split(",")]
    drained()  # the memos just written are embedded before anything is measured
    balancers = {n: cluster.add_balancer(cluster.web_ports[:n]) for n in levels}
    for url in balancers.values():
        load(url, token, session, 4, 3, seed=0)  # warm: every web server's model and connections
    results = {n: Results() for n in levels}
    loads: dict[int, list[float]] = defaultdict(list)
    cpu: dict[int, Counter] = defaultdict(Counter)
    for round_number in range(options.rounds):
        for n in levels if round_number % 2 == 0 else levels[::-1]:
            before = cpu_seconds(cluster)
            results[n].merge(load(balancers[n], token, session, options.clients, options.seconds, round_number + 1))
            loads[n].append(os.getloadavg()[0])
            after = cpu_seconds(cluster)
            cpu[n].update({part: after[part] - before.get(part, 0.0) for part in after})
    print(f"\n{options.clients} clients, {options.rounds} × {options.seconds:g} s per level, {os.cpu_count()} cores")
    for n in levels:
        average_load = sum(loads[n]) / len(loads[n])
        print(line(f"{n} web", results[n]) + f"   load {average_load:.1f}")
    print("\np95 by kind (ms):  " + "  ".join(f"{kind:>8}" for kind, _ in KINDS))
    for n in levels:
        cells = "  ".join(f"{percentile(results[n].latencies[k], 0.95) if results[n].latencies[k] else 0:8.0f}"
                          for k, _ in KINDS)  # fmt: skip
        print(f"{n} web{'':13}{cells}")
    parts = ["web", "postgres", "worker", "load", "nginx", "redis", "scheduler"]
    print("\nCPU used, % of the machine: " + "  ".join(f"{part:>9}" for part in parts))
    for n in levels:
        capacity = results[n].elapsed * (os.cpu_count() or 1)
        print(f"{n} web{'':23}" + "  ".join(f"{100 * cpu[n][part] / capacity:9.0f}" for part in parts))
    for n in levels:
        if results[n].errors:
            print(f"{n} web errors: {dict(results[n].errors)}")


def active_scheduler(cluster: Cluster) -> tuple[str, str] | None:
    """(helper name, heartbeat name) of the scheduler beating now."""
    from quillium_site import heartbeats
    from quillium_site.models import Heartbeat

    beat = heartbeats.latest(Heartbeat.Role.SCHEDULER)
    if beat is None or beat["age"] > 6:
        return None
    pid = int(beat["name"].rsplit(":", 1)[1])
    for name in cluster.helpers.processes:
        if name.startswith("scheduler") and cluster.pid(name) == pid:
            return name, beat["name"]
    return None


def kill_busy_worker(cluster: Cluster, seconds: float = 10) -> tuple[str, list[str]]:
    """Kill -9 a worker while it runs a task (its heartbeat names its process); returns its helper name and the
    ids of the tasks it left RUNNING."""
    from django.db import connection

    deadline = time.monotonic() + seconds
    victim, worker_id = "worker-1", None
    while time.monotonic() < deadline and worker_id is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.name, h.details->>'process' FROM django_tasks_database_dbtaskresult t "
                "JOIN quillium_site_heartbeat h ON h.role = 'worker' AND h.name = t.worker_ids->>-1 "
                "WHERE t.status = 'RUNNING' LIMIT 1"
            )
            row = cursor.fetchone()
        if row:
            pid = int(row[1].rsplit(":", 1)[1])
            for name in cluster.helpers.processes:
                if name.startswith("worker") and cluster.pid(name) == pid:
                    victim, worker_id = name, row[0]
    os.kill(cluster.pid(victim), signal.SIGKILL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' AND worker_ids->>-1 = %s",
            [worker_id],
        )
        return victim, [str(row[0]) for row in cursor.fetchall()]


def drill(cluster: Cluster, token: str, session: str, options: argparse.Namespace) -> None:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from memos.models import Memo

    base = cluster.url
    events: list[tuple[float, str]] = []
    takeover: dict[str, float] = {}
    orphans: list[str] = []
    was_active = active_scheduler(cluster)
    first_task = DBTaskResult.objects.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()

    def faults() -> None:
        time.sleep(5)
        events.append((time.monotonic(), "kill -9 web-1"))
        os.kill(cluster.pid("web-1"), signal.SIGKILL)
        time.sleep(7)
        worker, orphans[:] = kill_busy_worker(cluster)
        events.append((time.monotonic(), f"kill -9 {worker} ({len(orphans)} task(s) left running)"))
        time.sleep(7)
        active = active_scheduler(cluster)
        if active:
            killed_at = time.monotonic()
            events.append((killed_at, f"kill -9 the active scheduler ({active[0]})"))
            os.kill(cluster.pid(active[0]), signal.SIGKILL)
            while time.monotonic() - killed_at < 60:
                now = active_scheduler(cluster)
                if now and now[1] != active[1]:
                    takeover["seconds"] = time.monotonic() - killed_at
                    takeover["by"] = now[0]
                    break
                time.sleep(0.2)
            connection.close()
        time.sleep(max(0.0, 26 - 19 - takeover.get("seconds", 0)))
        events.append((time.monotonic(), "restart Redis"))
        cluster.restart_redis()

    started = time.monotonic()
    thread = threading.Thread(target=faults)
    thread.start()
    results = load(base, token, session, options.clients, options.fault_seconds, seed=99)
    thread.join()
    print(f"\nFault drill: {options.clients} clients for {options.fault_seconds:g} s through nginx in front of "
          f"{cluster.web} web servers (scheduler active before: {was_active and was_active[0]})")  # fmt: skip
    for at, what in events:
        print(f"  {at - started:5.1f} s  {what}")
    print("  " + line("drill", results))
    by_kind = Counter()
    for (kind, status), count in results.errors.items():
        by_kind[kind] += count
        print(f"    {kind} → {status or 'no answer'}: {count}")
    for at, kind, status in sorted(results.timeline):
        print(f"      at {at - started:5.1f} s: {kind} {status}")
    stored = set(map(str, Memo.objects.filter(pk__in=results.created).values_list("pk", flat=True)))
    print(f"  acknowledged memos: {len(results.created)}, in the database: {len(stored)}")

    deadline = time.monotonic() + 180
    pending = DBTaskResult.objects.filter(enqueued_at__gte=first_task, status__in=["READY", "RUNNING"])
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE jsonb_array_length(worker_ids) > 1), "
            "count(*) FILTER (WHERE status = 'FAILED'), count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE enqueued_at >= %s",
            [first_task],
        )
        again, failed, total = cursor.fetchone()
    print(f"  tasks: {total} enqueued, {again} run again after their worker died, {failed} failed, "
          f"{pending.count()} still waiting after the queue drained")  # fmt: skip
    outcomes = Counter(DBTaskResult.objects.filter(pk__in=orphans).values_list("status", flat=True))
    print(f"  the killed worker's tasks now: {dict(outcomes) or 'none (it was between tasks)'}")
    if takeover:
        print(f"  the standby scheduler ({takeover['by']}) took over {takeover['seconds']:.1f} s after the kill")
    else:
        print("  no scheduler took over within 60 s")

    wrong = {"email": EMAIL, "password": "wrong"}
    statuses = []
    with httpx2.Client(base_url=base, headers={"X-Forwarded-For": "203.0.113.77"}, timeout=30) as client:
        for _ in range(12):
            statuses.append(client.post("/api/v1/auth/token/", json=wrong).status_code)
    print(f"  12 wrong passwords after Redis restarted: {dict(Counter(statuses))} (the rate allows 10 a minute)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="per level and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--levels", default="1,2,4")
    parser.add_argument("--memos", type=int, default=300)
    parser.add_argument("--faults", action="store_true", help="run the fault drill after the levels")
    parser.add_argument("--fault-seconds", type=float, default=40)
    parser.add_argument("--no-levels", action="store_true", help="only the drill")
    options = parser.parse_args()
    os.environ["TASK_LEASE_SECONDS"] = "10" if options.faults else os.environ.get("TASK_LEASE_SECONDS", "60")

    directory = ROOT / "var" / "bench-scale"
    upstream_port = free_port()
    upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
    processes = [start([sys.executable, "-c", UPSTREAM.format(root=str(ROOT), port=upstream_port)], log_name="up")]
    directory.mkdir(parents=True, exist_ok=True)
    log = open(directory / "processes.log", "a")  # noqa: SIM115 - open while the cluster runs
    web = max(int(n) for n in options.levels.split(","))
    cluster = Cluster(directory, web=web, workers=2, schedulers=2, port=free_port(), log=log)
    try:
        wait_for(f"{upstream_url}/models")
        cluster.start()
        os.environ.update(cluster.env())  # this process reads and writes the cluster's database too
        token, session = prepare(upstream_url, options.memos)
        if not options.no_levels:
            scale(cluster, token, session, options)
        if options.faults:
            drill(cluster, token, session, options)
    finally:
        cluster.stop()
        for process in processes:
            process.kill()


if __name__ == "__main__":
    main()
