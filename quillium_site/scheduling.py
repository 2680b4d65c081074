"""The periodic jobs' scheduler: one active among several, and one that recovers from losing the database.

django-crontask registers each `@cron` task on one module-level APScheduler. Quillium runs it only while this
process holds the PostgreSQL advisory lock (quillium_site.scheduler_lock), beats a heartbeat through the lock's
connection every few seconds, and when that connection is lost (the database restarted) stops, stands by and
starts again. APScheduler shuts its thread pool down when it stops and doesn't make a new one when it starts again
(every job then failed with "cannot schedule new futures after shutdown" while the process looked active), and
its memory job store forgets the jobs: so each start gets a fresh pool and the jobs again. Should anything else
leave the scheduler unable to run its jobs, a watchdog ends the process (non-zero) for its supervisor to restart
it."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.db import connections
from django.utils import timezone

from quillium_site import heartbeats
from quillium_site.models import Heartbeat
from quillium_site.scheduler_lock import AdvisoryLock

logger = logging.getLogger("quillium.scheduler")

BEAT_JOB = "quillium.scheduler.heartbeat"
BEAT_SECONDS = 5.0
STANDBY_SECONDS = 10.0
STUCK_AFTER_SECONDS = 60.0  # active, yet no beat for this long: the scheduler can't run its jobs
STUCK_EXIT_CODE = 75  # EX_TEMPFAIL: a supervisor should start it again


def _exit_stuck() -> None:
    logging.shutdown()
    os._exit(STUCK_EXIT_CODE)  # the scheduler's threads may be wedged; a clean exit could wait on them forever


class SchedulerRunner:
    """Runs `scheduler`'s jobs while this process holds the lock; stands by while another does."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        *,
        beat_seconds: float = BEAT_SECONDS,
        standby_seconds: float = STANDBY_SECONDS,
        stuck_after: float = STUCK_AFTER_SECONDS,
        say: Callable[[str], None] = logger.info,
        on_stuck: Callable[[], None] = _exit_stuck,
    ) -> None:
        self.scheduler = scheduler
        self.beat_seconds, self.standby_seconds, self.stuck_after = beat_seconds, standby_seconds, stuck_after
        self.say, self.on_stuck = say, on_stuck
        self.lock = AdvisoryLock()
        self.name = heartbeats.process_name()
        self.started_at = timezone.now()
        self.outcomes: dict[str, dict[str, str | None]] = {}  # job name -> last success, last error
        self._outcomes_lock = threading.Lock()
        self._stopping = threading.Event()
        self._active = False
        self._last_beat = time.monotonic()
        # What the apps registered (crontask adds their @cron tasks before the first start); APScheduler's memory
        # job store forgets every job when it stops, so each start adds them again.
        self.jobs = [(_returning_connections(job.func), job.trigger, job.name) for job in scheduler.get_jobs()]
        scheduler.remove_all_jobs()
        scheduler.add_listener(self._record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def run(self, *, once: bool = False) -> None:
        """Schedule while holding the lock, stand by while not; return when stopped (or, with `once`, when this
        scheduler stops being the active one)."""
        threading.Thread(target=self._watch, name="scheduler-watchdog", daemon=True).start()
        announced = False
        while not self._stopping.is_set():
            if self.lock.acquire():
                self.say("This scheduler is active.")
                announced = False
                lost = self._schedule()
                if once or not lost:
                    return
                self.say("The scheduler lost the database and its lock; standing by.")
            elif not announced:
                self.say(f"Another scheduler is active; standing by (checking every {self.standby_seconds:g} s).")
                announced = True
            self._stopping.wait(self.standby_seconds)

    def stop(self) -> None:
        """Stop scheduling and return from run() (from any thread)."""
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def _schedule(self) -> bool:
        """Run the jobs until stopped; True when it stopped because the lock was lost."""
        try:
            self.scheduler.remove_executor("default")  # shut down when the scheduler last stopped
        except KeyError:
            pass
        self.scheduler.add_executor(ThreadPoolExecutor(max_workers=2), "default")
        for func, trigger, name in self.jobs:
            self.scheduler.add_job(func, trigger, name=name)
        self.scheduler.add_job(
            self._beat, IntervalTrigger(seconds=self.beat_seconds), name=BEAT_JOB, next_run_time=timezone.now()
        )
        self._last_beat, self._active = time.monotonic(), True
        try:
            self.scheduler.start()  # blocks until shutdown()
        finally:
            self._active = False
            if self.scheduler.running:  # interrupted (a signal)
                self.scheduler.shutdown(wait=False)
            lost = self.lock.connection is None
            self.lock.release()
        return lost and not self._stopping.is_set()

    def _beat(self) -> None:
        """Runs as a job, so a beat proves jobs run; through the lock's connection, so it proves the lock holds."""
        connection = self.lock.connection
        try:
            if connection is None:
                raise psycopg.OperationalError("no connection")
            heartbeats.beat(
                connection,
                role=Heartbeat.Role.SCHEDULER,
                name=self.name,
                started_at=self.started_at,
                details=self.details(),
            )
        except psycopg.Error as error:
            self.lock.release()  # a lost connection took the lock with it
            self.scheduler.shutdown(wait=False)  # from a job's thread: run() starts standing by
            raise RuntimeError(f"The scheduler lost its database connection and its lock: {error}") from None
        self._last_beat = time.monotonic()

    def details(self) -> dict[str, Any]:
        """What the heartbeat carries: the scheduler's clock, and each job's next run and last outcome."""
        jobs: dict[str, dict[str, Any]] = {}
        with self._outcomes_lock:
            for job in self.scheduler.get_jobs():
                if job.name == BEAT_JOB:
                    continue
                next_run = getattr(job, "next_run_time", None)
                jobs[job.name] = {"next": next_run.isoformat() if next_run else None, **self.outcomes.get(job.name, {})}
        return {"at": timezone.now().isoformat(), "jobs": jobs}

    def _record(self, event: JobExecutionEvent) -> None:
        job = self.scheduler.get_job(event.job_id)
        if job is None or job.name == BEAT_JOB:
            return
        when = event.scheduled_run_time.isoformat()
        with self._outcomes_lock:
            if event.code == EVENT_JOB_EXECUTED:
                self.outcomes[job.name] = {"last_ok": when, "error": None}
            else:
                reason = "missed its time" if event.code == EVENT_JOB_MISSED else _first_line(event.exception)
                self.outcomes[job.name] = {**self.outcomes.get(job.name, {}), "error": f"{when}: {reason}"}

    def _watch(self) -> None:
        while not self._stopping.wait(min(self.stuck_after / 4, 5.0)):
            silent = time.monotonic() - self._last_beat
            if self._active and silent > self.stuck_after:
                logger.critical("The scheduler has run no job for %.0f s; exiting so it is started again.", silent)
                self.on_stuck()
                return
        time.sleep(0.5)  # a stop that came while the scheduler was starting: it is running now, end it
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


def _returning_connections(func: Callable[..., Any]) -> Callable[..., Any]:
    """A job that gives its thread's database connections back to the pool when it ends: a new thread pool after
    each database restart would otherwise strand the old threads' pooled connections, until none were left."""

    @functools.wraps(func)
    def job(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return job


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__
