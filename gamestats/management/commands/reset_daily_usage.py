"""Start today's API quota counts (idempotent; counts also roll over by themselves on the next use)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gamestats import clock, quotas


class Command(BaseCommand):
    help = (
        "Reset the daily API usage of every Discord user whose count belongs to an earlier day, by the "
        "`gamestats_timezone` site setting. Safe to run any number of times, e.g. from cron just after midnight."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reset = quotas.reset_daily_usage()
        self.stdout.write(f"Reset {reset} usage row(s) to {clock.today():%Y-%m-%d} ({clock.zone().key}).")
