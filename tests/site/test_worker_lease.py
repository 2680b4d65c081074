"""A task whose worker died is run again by another worker (or failed after its attempts, saying why); a live
worker's tasks are left alone however long they run."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quillium_site import heartbeats
from quillium_site.management.commands.worker import TASK_ATTEMPTS
from quillium_site.scheduler_lock import connect_outside_pool
from quillium_site.worker_lease import WORKER_ROLE, reclaim
from tests.fakes.processes import site_env, start_worker
from tests.site.worker_tasks import slow_then_done

pytestmark = pytest.mark.django_db(transaction=True)


def running(workers: list[str], started_ago: float) -> DBTaskResult:
    result = slow_then_done.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=workers, started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_only_tasks_of_workers_that_stopped_beating_are_reclaimed():
    orphan = running(["gone"], started_ago=120)
    alive = running(["beating"], started_ago=120)
    fresh = running(["new"], started_ago=1)  # claimed a moment ago: its worker has a lease to beat in
    spent = running([f"gone-{n}" for n in range(TASK_ATTEMPTS)], started_ago=120)
    with connect_outside_pool() as conn:
        heartbeats.beat(conn, role=WORKER_ROLE, name="beating", started_at=timezone.now(), details={})

        reclaimed = reclaim(conn, attempts=TASK_ATTEMPTS, lease=60)

    assert sorted(str(row[0]) for row in reclaimed) == sorted([str(orphan.pk), str(spent.pk)])
    statuses = {row.pk: row for row in DBTaskResult.objects.all()}
    assert statuses[orphan.pk].status == TaskResultStatus.READY and statuses[orphan.pk].started_at is None
    assert statuses[alive.pk].status == statuses[fresh.pk].status == TaskResultStatus.RUNNING
    assert statuses[spent.pk].status == TaskResultStatus.FAILED
    assert "stopped beating; attempt 5 of 5" in statuses[spent.pk].traceback
    assert statuses[spent.pk].exception_class_path == "quillium_site.worker_lease.WorkerGone"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_task_whose_worker_is_killed_runs_again_on_another(tmp_path):
    env = site_env(TASK_LEASE_SECONDS="2")
    result = slow_then_done.enqueue(str(tmp_path))
    log = tmp_path / "workers.log"

    first = start_worker(env, log)
    try:
        wait_for(lambda: (tmp_path / "started").exists(), 60, f"the first run:\n{log.read_text()}")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # mid-task: no chance to say anything
        first.wait(10)
    second = start_worker(env, log)
    try:
        wait_for(lambda: (tmp_path / "done").exists(), 60, f"the second run:\n{log.read_text()}")
        row = DBTaskResult.objects.get(pk=result.id)
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL, 10, "success")
        row.refresh_from_db()
        assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(10)
