"""Periodic work of the bot's backend, scheduled by `manage.py scheduler` and run by the worker."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from gamestats import quotas


@cron("*/15 * * * *")
@task()
def reset_daily_usage() -> int:
    """Start the new day's API counts soon after midnight in `gamestats_timezone` (idempotent; counts also roll
    over on their next use)."""
    return quotas.reset_daily_usage()
