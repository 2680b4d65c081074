"""Run the periodic jobs (django-crontask); of several schedulers started, one schedules, the others stand by."""

from __future__ import annotations

import time
from typing import Any

from crontask import scheduler as crontask_scheduler
from crontask.management.commands import crontask

from quillium_site.scheduler_lock import AdvisoryLock

STANDBY_SECONDS = 10


class Command(crontask.Command):
    help = (
        "Enqueue the periodic tasks (sweeps, purges, resets, nightly diaries) on their cron schedules for the "
        "worker to run. Several may run: one holds a PostgreSQL advisory lock and schedules, the others wait and "
        "take over if it stops or loses the database."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--once", action="store_true", help="Exit when this scheduler stops, don't stand by.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if not options["no_task_loading"]:
            self.load_tasks(options)
        lock = AdvisoryLock()
        announced = False
        while True:
            if lock.acquire():
                self.stdout.write(self.style.SUCCESS("This scheduler is active."))
                announced = False
                with lock:
                    self.launch_scheduler(lock, crontask_scheduler)
                    stopped_on_purpose = lock.connection is not None  # a lost lock closes its connection
                for job in crontask_scheduler.get_jobs():
                    if job.name == "crontask.utils.lock.extend":
                        job.remove()  # launch_scheduler adds it again
                if once or stopped_on_purpose:
                    return
                self.stderr.write("The scheduler lost the database and its lock; standing by.")
            elif not announced:
                self.stdout.write(f"Another scheduler is active; standing by (checking every {STANDBY_SECONDS} s).")
                announced = True
            time.sleep(STANDBY_SECONDS)
