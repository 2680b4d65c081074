"""How services queue work for the worker: by the task's dotted path.

An app's tasks call its services, so its services must not import its tasks (that was three import loops).
A service names the task it wants, e.g. `enqueue("memos.tasks.embed_memo", str(memo.pk))`; the task module
is imported when the first such call runs, long after both modules are loaded. `tests/site/test_queue.py`
checks that every path named this way is a task.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.tasks import Task, TaskResult
from django.utils.module_loading import import_string


def task_at(path: str) -> Task:
    found = import_string(path)
    if not isinstance(found, Task):
        raise TypeError(f"{path} is not a task")
    return found


def enqueue(path: str, *args: Any, run_after: datetime | None = None) -> TaskResult:
    """Queue the task at `path` with `args` (JSON-able), now or at `run_after`. Called inside a transaction, the
    task's row commits with it: the queue lives in the same database."""
    task = task_at(path)
    return (task.using(run_after=run_after) if run_after else task).enqueue(*args)
