"""Periodic work of accounts, scheduled by `manage.py scheduler` and run by the worker."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from accounts import services


@cron("29 4 * * *")
@task()
def flush_refresh_tokens() -> int:
    """Daily: forget refresh tokens that expired (14 days after they were issued)."""
    return services.refresh_tokens_flush()
