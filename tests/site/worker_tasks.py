"""A task for the worker tests: the first run marks that it started and then outlives any patience (so its worker
can be killed mid-task); a run after that finishes at once."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task


@task()
def slow_then_done(folder: str) -> str:
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text("1")
        time.sleep(600)
    (Path(folder) / "done").write_text("1")
    return "done"
