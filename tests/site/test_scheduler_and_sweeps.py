"""Periodic jobs: one active scheduler among several, and sweeps that catch up on whatever a failed enqueue or an
outage left undone."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from crontask import LazyBlockingScheduler, scheduler
from crontask import utils as crontask_utils
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from memos import signals, tasks
from memos.models import MemoEmbedding
from memos.notes import services
from quillium_site.health import check_scheduler, processes
from quillium_site.management.commands.scheduler import Command
from quillium_site.models import Heartbeat
from quillium_site.scheduler_lock import AdvisoryLock, connect_outside_pool
from quillium_site.scheduling import SchedulerRunner

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_scheduler_holds_the_lock_and_a_standby_takes_over():
    first, second = AdvisoryLock(), AdvisoryLock()
    try:
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


def test_a_scheduler_that_lost_its_connection_stops_scheduling():
    lock = AdvisoryLock()
    assert lock.acquire()
    pid = lock.connection.info.backend_pid
    with connect_outside_pool() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    with pytest.raises(crontask_utils.LockNotOwnedError):
        lock.extend()
    standby = AdvisoryLock()
    assert standby.acquire()  # the server let go of the lock with the connection
    standby.release()


def test_the_periodic_jobs_are_on_the_schedule():
    Command().load_tasks({})  # what `manage.py scheduler` does first

    names = {job.name for job in scheduler.get_jobs()}

    assert {
        "embed_sweep",
        "purge_expired_trash",
        "prune_sync_tombstones",
        "reset_daily_usage",
        "settle_abandoned_replies",
        "requeue_abandoned_replies",
        "diary_sweep",
        "flush_refresh_tokens",
    } <= names


def test_the_embedding_sweep_embeds_what_a_lost_task_left_behind(alice):
    memo = services.memo_create(owner=alice, content="A cat is playing the piano.")
    assert not MemoEmbedding.objects.filter(memo=memo).exists()  # its task never ran

    assert tasks.embed_sweep.call() == 1

    assert MemoEmbedding.objects.filter(memo=memo).exists()
    assert tasks.embed_sweep.call() == 0


def test_a_failing_listener_never_fails_a_saved_memo(alice_api, caplog):
    def broken(**kwargs):
        raise RuntimeError("listener down")

    signals.memo_changed.connect(broken)
    try:
        response = alice_api.post("/api/v1/memos/", {"content": "still saved"}, format="json")
    finally:
        signals.memo_changed.disconnect(broken)

    assert response.status_code == 201
    assert "listener down" in caplog.text


def wait_for(condition, timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


@pytest.fixture
def running_scheduler():
    """A scheduler of its own (as `manage.py scheduler` runs crontask's) with one job every half second that
    enqueues the embedding sweep, run by a SchedulerRunner in a thread."""
    jobs = LazyBlockingScheduler()
    jobs.add_job(tasks.embed_sweep.enqueue, IntervalTrigger(seconds=0.5), name="embed_sweep")
    stuck = threading.Event()
    runner = SchedulerRunner(jobs, beat_seconds=0.2, standby_seconds=0.2, on_stuck=stuck.set)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    yield runner
    runner.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert not stuck.is_set()


def sweeps_enqueued() -> int:
    return DBTaskResult.objects.filter(task_path="memos.tasks.embed_sweep").count()


def test_a_scheduler_runs_its_jobs_again_after_losing_the_database_twice(running_scheduler):
    """Regression: after a database restart the scheduler said "This scheduler is active" again, but APScheduler
    had shut its thread pool down, so every job failed with "cannot schedule new futures after shutdown"."""
    runner = running_scheduler
    wait_for(lambda: sweeps_enqueued() > 0, what="the first sweep")

    for _ in range(2):  # a restart of the database ends the lock's connection, as this does
        pid = runner.lock.connection.info.backend_pid
        with connect_outside_pool() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda pid=pid: runner.lock.connection and runner.lock.connection.info.backend_pid != pid,
                 what="the lock taken again")  # fmt: skip
        before = sweeps_enqueued()
        wait_for(lambda before=before: sweeps_enqueued() >= before + 2, what="sweeps enqueued again")

    beat = Heartbeat.objects.get(role=Heartbeat.Role.SCHEDULER)
    assert beat.details["jobs"]["embed_sweep"]["last_ok"]
    assert check_scheduler()["ok"] is True


def test_a_standby_scheduler_beats_and_is_listed_as_one_until_it_takes_over(running_scheduler):
    active = running_scheduler
    wait_for(lambda: check_scheduler()["ok"], what="a healthy scheduler")
    jobs = LazyBlockingScheduler()
    jobs.add_job(tasks.embed_sweep.enqueue, IntervalTrigger(seconds=0.5), name="embed_sweep")
    stuck = threading.Event()
    spare = SchedulerRunner(jobs, beat_seconds=0.2, standby_seconds=0.2, on_stuck=stuck.set)
    spare.name = "other-host:1"  # one process runs both here; on two hosts their host:pid differ
    thread = threading.Thread(target=spare.run, daemon=True)
    thread.start()

    def listed(role: str) -> list[str]:
        return [process["name"] for process in processes()[role]]

    try:
        wait_for(lambda: listed("standby") == ["other-host:1"], what="the standby's beat")
        assert listed("scheduler") == [active.name]

        active.stop()
        wait_for(lambda: "other-host:1" in listed("scheduler"), what="the standby taking over")
        assert listed("standby") == []  # listed once, as what it last said it was
    finally:
        spare.stop()
        thread.join(timeout=10)
    assert not thread.is_alive() and not stuck.is_set()


def test_health_says_when_no_scheduler_has_run_its_jobs(running_scheduler):
    wait_for(lambda: check_scheduler()["ok"], what="a healthy scheduler")
    running_scheduler.stop()

    Heartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=2))  # as if it stopped two minutes ago

    result = check_scheduler()
    assert result["ok"] is False and result["critical"] is False
    assert "no scheduler has run its jobs for 120 s" in result["error"]
    with pytest.raises(CommandError, match="Some checks failed"):
        call_command("health")


def test_health_names_a_job_that_is_overdue_or_failed(db):
    now = timezone.now()
    Heartbeat.objects.create(
        role=Heartbeat.Role.SCHEDULER,
        name="host:1",
        started_at=now,
        seen_at=now,
        details={
            "at": now.isoformat(),
            "jobs": {
                "embed_sweep": {"next": (now - timedelta(minutes=5)).isoformat()},
                "diary_sweep": {"next": (now + timedelta(minutes=5)).isoformat(), "error": "12:00: OperationalError"},
                "purge_expired_trash": {"next": (now + timedelta(minutes=5)).isoformat(), "error": None},
            },
        },
    )

    result = check_scheduler()

    assert result["ok"] is False
    assert "embed_sweep is overdue" in result["error"] and "diary_sweep failed at 12:00" in result["error"]
    assert "purge_expired_trash" not in result["error"]


def test_a_scheduler_that_can_run_no_job_gives_up_for_its_supervisor(db):
    jobs = LazyBlockingScheduler()
    stuck, hang_up = threading.Event(), threading.Event()
    runner = SchedulerRunner(jobs, beat_seconds=60, stuck_after=0.5, on_stuck=stuck.set)
    runner._beat = lambda: hang_up.wait(30)  # a beat that doesn't come back, as on a hung connection
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    try:
        assert stuck.wait(timeout=10)
    finally:
        hang_up.set()
        runner.stop()
        thread.join(timeout=10)


class FlakyJob:
    """A job that fails its first `failures` runs, as when the database was down at its time."""

    def __init__(self, failures: int) -> None:
        self.failures, self.runs = failures, 0

    def __call__(self) -> None:
        self.runs += 1
        if self.runs <= self.failures:
            raise RuntimeError("connection refused")


def run_in_thread(runner: SchedulerRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread


def hourly_from_now() -> IntervalTrigger:
    return IntervalTrigger(hours=1, start_date=timezone.now() - timedelta(hours=1) + timedelta(seconds=0.3))


@pytest.mark.parametrize("failures", [1, 3])
def test_a_failed_job_is_tried_again_soon_not_at_its_next_time(db, failures):
    """Regression: a job that failed while the database restarted kept health red until its next cron time (up
    to a day), and its work waited as long."""
    jobs = LazyBlockingScheduler()
    job = FlakyJob(failures)
    jobs.add_job(job, hourly_from_now(), name="hourly")
    runner = SchedulerRunner(jobs, beat_seconds=0.2, retry_seconds=0.2)
    thread = run_in_thread(runner)
    try:
        wait_for(lambda: job.runs == failures + 1, what="the retries")
        wait_for(lambda: check_scheduler()["ok"], what="a healthy scheduler")
        hourly = Heartbeat.objects.get(role=Heartbeat.Role.SCHEDULER).details["jobs"]["hourly"]
        assert hourly["error"] is None and hourly["last_ok"]
        assert "retry" not in hourly
        time.sleep(1)
        assert job.runs == failures + 1  # no retry after it worked
    finally:
        runner.stop()
        thread.join(timeout=10)


def test_a_failed_job_shows_its_retry_and_runs_when_the_scheduler_has_the_database_again(db):
    jobs = LazyBlockingScheduler()
    job = FlakyJob(1)
    jobs.add_job(job, hourly_from_now(), name="hourly")
    runner = SchedulerRunner(jobs, beat_seconds=0.2, standby_seconds=0.2, retry_seconds=3600)
    thread = run_in_thread(runner)
    try:
        wait_for(lambda: "retry" in runner.details()["jobs"].get("hourly", {}), what="a retry scheduled")
        wait_for(lambda: "hourly failed at" in check_scheduler().get("error", ""), what="health naming the failure")
        assert Heartbeat.objects.get(role=Heartbeat.Role.SCHEDULER).details["jobs"]["hourly"]["retry"]

        pid = runner.lock.connection.info.backend_pid  # the database restarts: the hour-long wait is not kept
        with connect_outside_pool() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda: job.runs == 2, what="the job run again once the scheduler is back")
        wait_for(lambda: check_scheduler()["ok"], what="a healthy scheduler")
    finally:
        runner.stop()
        thread.join(timeout=10)
