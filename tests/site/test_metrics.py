"""/metrics: Prometheus text for allowed addresses or a token bearer, with requests by route, the task queue,
heartbeats, AI provider calls and the embedding backlog; several web processes on a host add up."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ai import client as ai_client
from ai.services import endpoint_for
from memos.notes import services as memo_services
from quillium_site.models import Heartbeat
from tests.fakes.processes import site_env, start_web
from tests.fakes.redis_server import free_port
from tests.site.worker_tasks import slow_then_done

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: Client | None = None, **headers: str) -> dict[tuple[str, tuple], float]:
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def value(found: dict, metric: str, /, **labels: str) -> float:
    return found.get((metric, tuple(sorted(labels.items()))), 0.0)


def test_only_allowed_addresses_or_the_token_may_read_metrics():
    assert Client().get("/metrics").status_code == 200  # loopback is allowed by default
    with override_settings(METRICS_ALLOW=[], METRICS_TOKEN="s3cret-metrics-token"):
        assert Client().get("/metrics").status_code == 403
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token").status_code == 200
    assert Client(REMOTE_ADDR="").get("/metrics").status_code == 403  # served on a Unix socket: no address
    with override_settings(METRICS_ALLOW=[]):  # no token configured: an empty bearer is no key
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_requests_are_counted_by_route_not_by_path(alice_api, alice):
    memo = memo_services.memo_create(owner=alice, content="counted")
    before = scrape()
    for _ in range(3):
        assert alice_api.get(f"/api/v1/memos/{memo.pk}/").status_code == 200
    assert alice_api.get("/api/v1/memos/00000000-0000-0000-0000-000000000000/").status_code == 404
    after = scrape()

    route = "api/v1/memos/(?P<pk>[^/.]+)/"
    ok = {"route": route, "method": "GET", "status": "2xx"}
    assert value(after, "quillium_http_requests_total", **ok) - value(before, "quillium_http_requests_total", **ok) == 3
    missing = {**ok, "status": "4xx"}
    assert (
        value(after, "quillium_http_requests_total", **missing)
        - value(before, "quillium_http_requests_total", **missing)
        == 1
    )
    count = {"route": route, "method": "GET"}
    assert value(after, "quillium_http_request_duration_seconds_count", **count) >= 4
    assert not any(str(memo.pk) in str(labels) for _, labels in after)  # no ids in labels


def test_queue_heartbeats_and_embedding_backlog_come_from_the_database(alice, tmp_path):
    Heartbeat.objects.all().delete()
    slow_then_done.enqueue(str(tmp_path))
    slow_then_done.enqueue(str(tmp_path))
    Heartbeat.objects.create(role="worker", name="w1", started_at=timezone.now(), seen_at=timezone.now())
    memo_services.memo_create(owner=alice, content="not embedded yet")

    found = scrape()

    assert value(found, "quillium_tasks_queued", task="tests.site.worker_tasks.slow_then_done") == 2
    assert value(found, "quillium_task_queue_oldest_seconds", task="tests.site.worker_tasks.slow_then_done") >= 0
    assert 0 <= value(found, "quillium_heartbeat_age_seconds", role="worker", name="w1") < 60
    assert value(found, "quillium_embedding_backlog") >= 1
    assert value(found, "quillium_database_readable") == 1


def test_provider_calls_are_timed_and_their_failures_counted(fake_llm):
    endpoint = endpoint_for("chat")
    before = scrape()
    async_to_sync(ai_client.complete)(endpoint, [{"role": "user", "content": "hi"}])
    fake_llm.script(status=500)
    with pytest.raises(ai_client.ProviderError):
        async_to_sync(ai_client.complete)(endpoint, [{"role": "user", "content": "hi"}])
    after = scrape()

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("quillium_provider_calls_total", operation="chat", outcome="ok") == 1
    assert delta("quillium_provider_calls_total", operation="chat", outcome="failed") == 1
    assert delta("quillium_provider_call_duration_seconds_count", operation="chat") == 2


@pytest.mark.django_db(transaction=True)
def test_several_web_processes_on_a_host_add_up(tmp_path: Path):
    """PROMETHEUS_MULTIPROC_DIR shared by two uvicorn processes: either one's /metrics counts both's requests."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = site_env(PROMETHEUS_MULTIPROC_DIR=str(directory))
    ports = [free_port(), free_port()]
    log = tmp_path / "web.log"
    processes = [start_web(port, env, log) for port in ports]
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            for _ in range(4):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
        text = urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}/metrics", timeout=10).read().decode()
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    found = samples(text)
    assert value(found, "quillium_http_requests_total", route="healthz", method="GET", status="2xx") == 10


def test_a_database_it_cannot_read_still_gives_the_process_figures():
    """As when it isn't migrated yet: the queue's table is missing (renamed inside this test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_tasks_database_dbtaskresult RENAME TO gone_for_this_test")
    found = scrape()
    assert value(found, "quillium_database_readable") == 0
    assert any(name == "quillium_http_requests_total" for name, _ in found)
    assert value(scrape(), "quillium_database_readable") == 0  # and the connection is still usable


def test_each_serve_gets_its_own_figures_directory_and_clears_those_of_ended_ones(tmp_path: Path, monkeypatch):
    """Two `serve` on one DATA_DIR must not clear or count each other's figures; an ended one's are cleared."""
    spec = importlib.util.spec_from_file_location("manage", Path(__file__).resolve().parents[2] / "manage.py")
    manage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(manage)
    host = socket.gethostname()
    root = tmp_path / "metrics"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    running = root / f"{host}-{os.getppid()}"  # another serve, still running
    gone = root / f"{host}-{ended.pid}"
    other_host = root / f"elsewhere-{ended.pid}"  # its pid means nothing here
    for directory in (running, gone, other_host):
        directory.mkdir(parents=True)
        (directory / "counter_1.db").write_bytes(b"figures")
    (root / "counter_2.db").write_bytes(b"figures kept in the root before")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # unset for the call, and unset again after the test

    manage._share_metrics()

    own = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert own == root / f"{host}-{os.getpid()}" and own.is_dir() and not any(own.iterdir())
    assert (running / "counter_1.db").exists() and (other_host / "counter_1.db").exists()
    assert not gone.exists() and not (root / "counter_2.db").exists()
