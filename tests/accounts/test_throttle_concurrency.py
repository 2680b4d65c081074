"""Two web processes sharing Redis as their cache, as the README's "several processes" advice has it: Redis works end
to end, and fifty wrong passwords sent at once across both can't slip past the login throttle (its count is one
increment Redis performs itself, not a read and a write that fifty requests can all make before any writes)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.fakes import redis_server
from tests.fakes.processes import site_env, start_web
from tests.fakes.redis_server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def wait_until_up(url: str, log: Path) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} never answered:\n{log.read_text()}")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of this test's own on a free port, keeping nothing on disk; without the binary, the machine's own
    Redis (127.0.0.1:6379) on a database number of this test's own."""
    if not redis_server.available():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", 6379)) == 0, "no redis-server to start and no Redis on 6379"
        url = "redis://127.0.0.1:6379/13"
        redis.Redis.from_url(url).flushdb()  # no counts left from an earlier run
        yield url
        return
    server = redis_server.RedisServer(tmp_path)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def two_web_processes(redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    env = site_env(CACHE_URL=redis_url, SECRET_KEY="two-processes-" + "x" * 50, DEBUG="false", DB_POOL_MIN_SIZE="1")
    processes, bases = [], []
    log = tmp_path / "web.log"
    try:
        for _ in range(2):
            port = free_port()
            processes.append(start_web(port, env, log))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_until_up(f"{base}/healthz", log)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def test_redis_as_the_cache_works_end_to_end(two_web_processes, alice, password):
    first, second = two_web_processes

    status, tokens = post(f"{first}/api/v1/auth/token/", {"email": alice.email, "password": password})
    assert status == 200, tokens
    # The refresh token made on one process is good on the other (and rotated once, for both).
    refreshed, _ = post(f"{second}/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    again, _ = post(f"{first}/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert (refreshed, again) == (200, 401)


def test_fifty_attempts_at_once_over_two_processes_pass_at_most_the_rate(two_web_processes, alice):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    wrong = {"email": alice.email, "password": "wrong"}

    def attempt(n: int) -> int:
        return post(f"{two_web_processes[n % 2]}/api/v1/auth/token/", wrong)[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(attempt, range(50)))

    assert statuses[401] <= allowed, statuses
    assert statuses[401] + statuses[429] == 50, statuses
