"""The task worker (django-tasks-db's `db_worker`), made to outlive database outages."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("quillium.worker")

FIRST_WAIT = 0.5
LONGEST_WAIT = 30.0
OUTAGE = (OperationalError, InterfaceError)


class ResilientWorker(db_worker.Worker):
    """db_worker's loop, restarted with backoff whenever the database goes away instead of exiting.

    A task this worker had claimed when the connection broke is put back in the queue once the database
    answers again (it never finished, and no other worker will pick up a task marked running)."""

    def run(self) -> None:
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

    def requeue_interrupted(self) -> int:
        """Return the tasks this worker was running when the database went away to the queue."""
        interrupted = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, worker_ids__contains=[self.worker_id]
        )
        return interrupted.update(status=TaskResultStatus.READY, started_at=None)


def _first_line(error: Exception) -> str:
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
