"""A task that fails on the database (restarting, a pool timeout) is run again later, not left FAILED."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quillium_site.management.commands import worker

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def loses_the_database(marker: str) -> str:
    """Fails as a database restart fails a running task (its connection ends), until `marker` exists."""
    if not Path(marker).exists():
        Path(marker).touch()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return "done"


@task()
def breaks_for_real() -> None:
    raise ValueError("a bug, not the database")


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_a_task_that_lost_the_database_is_retried_later_and_then_succeeds(tmp_path):
    result = loses_the_database.enqueue(str(tmp_path / "marker"))

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY  # queued again, not FAILED
    assert row.run_after > timezone.now()  # after a backoff
    assert row.exception_class_path.endswith("OperationalError") and "Attempt 1 of 5" in row.traceback

    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
    run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "done"
    assert len(row.worker_ids) == 2


def test_a_task_that_keeps_losing_the_database_fails_after_its_attempts(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "TASK_ATTEMPTS", 2)
    result = loses_the_database.enqueue(str(tmp_path / "marker"))
    for _ in range(2):
        (tmp_path / "marker").unlink(missing_ok=True)
        DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
        run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 2


def test_other_errors_still_fail_at_once():
    result = breaks_for_real.enqueue()

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and row.exception_class_path == "builtins.ValueError"
