"""Run the periodic jobs (django-crontask); of several schedulers started, one schedules, the others stand by."""

from __future__ import annotations

import signal
from typing import Any

from crontask import scheduler as crontask_scheduler
from crontask.management.commands import crontask

from quillium_site.scheduling import STANDBY_SECONDS, SchedulerRunner


class Command(crontask.Command):
    help = (
        "Enqueue the periodic tasks (sweeps, purges, resets, nightly diaries) on their cron schedules for the "
        "worker to run. Several may run: one holds a PostgreSQL advisory lock and schedules, the others wait and "
        f"take over within {STANDBY_SECONDS:g} s if it stops or loses the database. A scheduler that can run no job "
        "for a minute exits with status 75 so its supervisor starts it again."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--once", action="store_true", help="Exit when this scheduler stops, don't stand by.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if not options["no_task_loading"]:
            self.load_tasks(options)
        runner = SchedulerRunner(crontask_scheduler, say=self.stdout.write)

        def stop(signum: int, frame: Any) -> None:
            self.stdout.write(f"Received {signal.Signals(signum).name}; the scheduler stops.")
            runner.stop()

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        runner.run(once=once)
