"""The task worker (django-tasks-db's `db_worker`), made to outlive database outages."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from quillium_site.worker_lease import BEAT_SECONDS, Lease

logger = logging.getLogger("quillium.worker")

FIRST_WAIT = 0.5
LONGEST_WAIT = 30.0
OUTAGE = (OperationalError, InterfaceError)
TRANSIENT = (*OUTAGE, psycopg.OperationalError, psycopg.InterfaceError)  # psycopg_pool.PoolTimeout is one too
TASK_ATTEMPTS = 5
RETRY_FIRST_SECONDS = 10  # then 30, 90, 270: a task outlives a database restart of several minutes


class ResilientWorker(db_worker.Worker):
    """db_worker's loop, restarted with backoff whenever the database goes away instead of exiting.

    A task this worker had claimed when the connection broke is put back in the queue once the database
    answers again; a task of a worker that died is put back by any live worker's lease (quillium_site.worker_lease).
    """

    def run(self) -> None:
        seconds = float(settings.TASK_LEASE_SECONDS)
        lease = Lease(self.worker_id, attempts=TASK_ATTEMPTS, lease=seconds, every=min(BEAT_SECONDS, seconds / 6))
        lease.beat_once()  # alive before the first claim, so no other worker takes this one's tasks for orphans
        lease.start()
        try:
            self._run()
        finally:
            lease.stop()

    def _run(self) -> None:
        wait = FIRST_WAIT
        interrupted = False
        while True:
            try:
                if interrupted:  # the database answers again (or this raises and we wait some more)
                    self.requeue_interrupted()
                    interrupted = False
                    wait = FIRST_WAIT
                    logger.info("Database is back; the worker carries on.")
                super().run()
                return  # --batch or --max-tasks said stop
            except OUTAGE as error:
                interrupted = True
                self.running_task = False
                logger.warning("Database unavailable (%s); the worker retries in %.1f s.", _first_line(error), wait)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """db_worker's run_task, except that a task which failed on the database (restarting, a pool timeout) is
        queued again with backoff instead of ending FAILED; the sweeps catch up on whatever still fails."""
        fail = db_task_result.set_failed

        def set_failed(error: BaseException) -> None:
            attempts = len(db_task_result.worker_ids)
            if not _transient(error):
                return fail(error)
            close_old_connections()  # the error may have broken this connection: recording it takes a new one
            if attempts >= TASK_ATTEMPTS:
                return fail(error)
            delay = timedelta(seconds=RETRY_FIRST_SECONDS * 3 ** (attempts - 1))
            logger.warning("Task %s (%s) hit a database error (%s); retrying in %s.",
                           db_task_result.task_path, db_task_result.id, _first_line(error), delay)  # fmt: skip
            db_task_result.status, db_task_result.started_at = TaskResultStatus.READY, None
            db_task_result.run_after = timezone.now() + delay
            db_task_result.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
            db_task_result.traceback = f"Attempt {attempts} of {TASK_ATTEMPTS} failed, retried after {delay}: {error}"
            db_task_result.save(
                update_fields=["status", "started_at", "run_after", "exception_class_path", "traceback"]
            )

        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    def requeue_interrupted(self) -> int:
        """Return the tasks this worker was running when the database went away to the queue."""
        interrupted = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, worker_ids__contains=[self.worker_id]
        )
        return interrupted.update(status=TaskResultStatus.READY, started_at=None)


def _transient(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, TRANSIENT):
            return True
        error = error.__cause__
    return False


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class Command(db_worker.Command):
    help = "Run the background-task worker; it waits out database outages (with backoff) instead of exiting."

    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker  # type: ignore[misc]  # the parent's handle() builds it by this name
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
