"""Prometheus metrics at `/metrics`: requests by route, the task queue, processes' heartbeats, AI provider calls,
and what apps add (`AppConfig.metrics()`, e.g. the embedding backlog).

Counters live in each process. With several processes on one host (uvicorn --workers, scripts/cluster), set
PROMETHEUS_MULTIPROC_DIR to an empty directory for all of them: each then writes its figures there and /metrics
adds them up (prometheus-client's multiprocess mode). Across hosts, scrape each host. The queue, heartbeat and
backlog figures are read from PostgreSQL at each scrape, so any process gives the whole site's.

Who may read it: an address in METRICS_ALLOW (CIDRs; loopback by default), or anyone sending
`Authorization: Bearer <METRICS_TOKEN>`."""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from quillium_site.client_address import client_address

disable_created_metrics()  # a `_created` series beside each counter only doubles the output

REQUESTS = Counter(
    "quillium_http_requests",
    "Requests answered, by route pattern, method and status class",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "quillium_http_request_duration_seconds",
    "Time to the response's headers (a streamed reply's first bytes), by route pattern",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PROVIDER_CALLS = Counter(
    "quillium_provider_calls",
    "Calls to AI providers, by operation and outcome (ok or the error's kind); stream_body: a stream that failed "
    "after it opened",
    ["operation", "outcome"],
)  # fmt: skip
PROVIDER_LATENCY = Histogram(
    "quillium_provider_call_duration_seconds",
    "Time until an AI provider answered (a stream: until it opened), by operation",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


ANCHORS = re.compile(r"(?<!\[)\^|\$(?=/|$)")


class QuilliumMetrics:
    """HTTP request counts and latency by route (the URL pattern, not the path: ids would make each its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = ANCHORS.sub("", match.route or match.view_name or "?")  # DRF's routes are regexes
        else:
            route = "static" if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) else "unmatched"
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, f"{response.status_code // 100}xx").inc()
        return response


class DatabaseCollector(Collector):
    """What PostgreSQL knows, read at each scrape: tasks waiting and running by task, the oldest waiting one's
    age, each live process's heartbeat age, and the apps' own figures."""

    def collect(self) -> Iterable[Metric]:
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic():  # a savepoint inside a caller's transaction, which a failure won't spoil
                families = list(self._read())
        except DatabaseError:  # the database is down or not migrated: the process's own figures still count
            families = []
        yield gauge(
            "quillium_database_readable", "Whether this scrape could read the database's figures", bool(families)
        )
        yield from families

    def _read(self) -> Iterable[Metric]:
        from django.apps import apps
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        queued = GaugeMetricFamily("quillium_tasks_queued", "Tasks waiting for a worker", labels=["task"])
        running = GaugeMetricFamily("quillium_tasks_running", "Tasks a worker is running", labels=["task"])
        oldest = GaugeMetricFamily(
            "quillium_task_queue_oldest_seconds", "Age of the oldest task due and not started", labels=["task"]
        )
        with connection.cursor() as cursor:
            cursor.execute(QUEUE_SQL.format(tasks=connection.ops.quote_name(DBTaskResult._meta.db_table)))
            for task, waiting, busy, age in cursor.fetchall():
                queued.add_metric([task], waiting)
                running.add_metric([task], busy)
                oldest.add_metric([task], float(age or 0))
            cursor.execute(HEARTBEATS_SQL)
            beats = cursor.fetchall()
        yield from (queued, running, oldest)
        heartbeat = GaugeMetricFamily(
            "quillium_heartbeat_age_seconds", "Seconds since each process (web, worker, scheduler, standby) last beat",
            labels=["role", "name"],
        )  # fmt: skip
        for role, name, age in beats:
            heartbeat.add_metric([role, name], float(age))
        yield heartbeat
        for config in apps.get_app_configs():
            if hasattr(config, "metrics"):
                yield from config.metrics()


QUEUE_SQL = """
SELECT task_path,
       count(*) FILTER (WHERE status = 'READY'),
       count(*) FILTER (WHERE status = 'RUNNING'),
       extract(epoch FROM now() - min(coalesce(run_after, enqueued_at))
                                  FILTER (WHERE status = 'READY' AND coalesce(run_after, enqueued_at) <= now()))
FROM {tasks} WHERE status IN ('READY', 'RUNNING') GROUP BY task_path
"""
HEARTBEATS_SQL = """
SELECT role, name, greatest(0, extract(epoch FROM now() - seen_at)) FROM quillium_site_heartbeat
WHERE seen_at > now() - interval '10 minutes'
"""


def exposition() -> bytes:
    """This process's metrics (every process's on this host in multiprocess mode), then the database's."""
    from prometheus_client import REGISTRY

    processes = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)


def allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:  # no address at all (a Unix socket): only the token lets it in
        return False
    return any(address in network for network in settings.METRICS_ALLOW)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse(
            "Metrics are for METRICS_ALLOW addresses or a METRICS_TOKEN bearer.\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def record_provider_call(operation: str, started: float, outcome: str) -> None:
    PROVIDER_LATENCY.labels(operation).observe(time.perf_counter() - started)
    PROVIDER_CALLS.labels(operation, outcome).inc()


def gauge(name: str, documentation: str, value: float) -> Any:
    """A one-value gauge for an app's `metrics()`."""
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family
