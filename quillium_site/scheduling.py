"""The periodic jobs' scheduler: one active among several, and one that recovers from losing the database.

django-crontask registers each `@cron` task on one module-level APScheduler. Quillium runs it only while this
process holds the PostgreSQL advisory lock (quillium_site.scheduler_lock), beats a heartbeat through the lock's
connection every few seconds, and when that connection is lost (the database restarted) stops, stands by and
starts again. APScheduler shuts its thread pool down when it stops and doesn't make a new one when it starts again
(every job then failed with "cannot schedule new futures after shutdown" while the process looked active), and
its memory job store forgets the jobs: so each start gets a fresh pool and the jobs again. A job that failed (the
database was down when its time came) is tried again soon, and again at each start, not only at its next cron time
(up to a day away), so an outage leaves no periodic work undone and health green again. Should anything else
leave the scheduler unable to run its jobs, a watchdog ends the process (non-zero) for its supervisor to restart
it."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_RUNNING, BaseScheduler
from apscheduler.triggers.date import DateTrigger
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
RETRY_SECONDS = 15.0  # a failed job's first retry; each further one waits twice as long, up to RETRY_MAX_SECONDS
RETRY_MAX_SECONDS = 600.0


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
        retry_seconds: float = RETRY_SECONDS,
        say: Callable[[str], None] = logger.info,
        on_stuck: Callable[[], None] = _exit_stuck,
    ) -> None:
        self.scheduler = scheduler
        self.beat_seconds, self.standby_seconds, self.stuck_after = beat_seconds, standby_seconds, stuck_after
        self.retry_seconds = retry_seconds
        self.say, self.on_stuck = say, on_stuck
        self.lock = AdvisoryLock()
        self.name = heartbeats.process_name()
        self.started_at = timezone.now()
        self.outcomes: dict[str, dict[str, str | None]] = {}  # job name -> last success, last error
        self._outcomes_lock = threading.Lock()  # guards outcomes, _retries and _failures (jobs end on pool threads)
        self._retries: dict[str, str] = {}  # pending retry's job id -> job name
        self._failures: dict[str, int] = {}  # job name -> failures in a row
        self._stopping = threading.Event()
        self._active = False
        self._last_beat = time.monotonic()
        self._standby_beat: heartbeats.Beating | None = None
        # What the apps registered (crontask adds their @cron tasks before the first start); APScheduler's memory
        # job store forgets every job when it stops, so each start adds them again.
        self.jobs = [(_returning_connections(job.func), job.trigger, job.name) for job in scheduler.get_jobs()]
        self._funcs = {name: func for func, _, name in self.jobs}
        scheduler.remove_all_jobs()
        scheduler.add_listener(self._record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def run(self, *, once: bool = False) -> None:
        """Schedule while holding the lock, stand by while not; return when stopped (or, with `once`, when this
        scheduler stops being the active one)."""
        threading.Thread(target=self._watch, name="scheduler-watchdog", daemon=True).start()
        announced = False
        try:
            while not self._stopping.is_set():
                if self.lock.acquire():
                    self._stand_by(False)
                    self.say("This scheduler is active.")
                    announced = False
                    lost = self._schedule()
                    if once or not lost:
                        return
                    self.say("The scheduler lost the database and its lock; standing by.")
                elif not announced:
                    self.say(f"Another scheduler is active; standing by (checking every {self.standby_seconds:g} s).")
                    announced = True
                self._stand_by(True)
                self._stopping.wait(self.standby_seconds)
        finally:
            self._stand_by(False)

    def _stand_by(self, standing_by: bool) -> None:
        """While standing by, beat as a standby (so an operator sees a spare is there) from a thread of its own; the
        active scheduler beats from its jobs instead."""
        if standing_by and self._standby_beat is None:
            self._standby_beat = heartbeats.Beating(
                Heartbeat.Role.STANDBY, self.name, every=self.standby_seconds, started_at=self.started_at
            )
            self._standby_beat.start()
        elif not standing_by and self._standby_beat is not None:
            self._standby_beat.stop()
            self._standby_beat = None

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
        with self._outcomes_lock:
            self._retries.clear()  # the job store forgot them with the rest
            failed = [name for name, outcome in self.outcomes.items() if outcome.get("error")]
        for name in failed:  # what failed while the database was away runs as soon as it is back
            self._retry(name, delay=self.beat_seconds, starting=True)
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
        """What the heartbeat carries: the scheduler's clock, and each job's next run, pending retry and last
        outcome."""
        # The job store's lock first, ours after, never the other way round: APScheduler may call _record (which
        # takes ours) while it holds its own.
        scheduled = [(job.id, job.name, getattr(job, "next_run_time", None)) for job in self.scheduler.get_jobs()]
        jobs: dict[str, dict[str, Any]] = {}
        retries: dict[str, str | None] = {}
        with self._outcomes_lock:
            for job_id, name, next_run in scheduled:
                when = next_run.isoformat() if next_run else None
                if job_id in self._retries:
                    retries[name] = when
                elif name != BEAT_JOB:
                    jobs[name] = {"next": when, **self.outcomes.get(name, {})}
        for name, when in retries.items():
            if name in jobs:
                jobs[name]["retry"] = when
        return {"at": timezone.now().isoformat(), "jobs": jobs}

    def _record(self, event: JobExecutionEvent) -> None:
        with self._outcomes_lock:
            name = self._retries.pop(event.job_id, None)  # a retry is gone from the job store once it has run
        if name is None:
            job = self.scheduler.get_job(event.job_id)
            if job is None or job.name == BEAT_JOB:
                return
            name = job.name
        when = event.scheduled_run_time.isoformat()
        with self._outcomes_lock:
            if event.code == EVENT_JOB_EXECUTED:
                self.outcomes[name] = {"last_ok": when, "error": None}
                self._failures.pop(name, None)
                return
            reason = "missed its time" if event.code == EVENT_JOB_MISSED else _first_line(event.exception)
            self.outcomes[name] = {**self.outcomes.get(name, {}), "error": f"{when}: {reason}"}
            failures = self._failures[name] = self._failures.get(name, 0) + 1
        self._retry(name, delay=min(self.retry_seconds * 2 ** (failures - 1), RETRY_MAX_SECONDS))

    def _retry(self, name: str, *, delay: float, starting: bool = False) -> None:
        """Run job `name` once more in `delay` seconds, unless a retry is already pending or it isn't scheduling
        (a scheduler that lost the database retries what failed when it starts again)."""
        if not self._active or name not in self._funcs:
            return
        if not starting and self.scheduler.state != STATE_RUNNING:  # or it would wait for the next start
            return
        job_id = f"retry:{uuid.uuid4().hex}"  # crontask's add_job returns no job
        with self._outcomes_lock:
            if name in self._retries.values():
                return
            self._retries[job_id] = name
        at = timezone.now() + timedelta(seconds=delay)  # (see details() on why not under our lock)
        self.scheduler.add_job(self._funcs[name], DateTrigger(at), id=job_id, name=name, misfire_grace_time=None)

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
