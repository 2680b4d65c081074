"""Empty the trash of memos older than the retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts import site_settings
from memos.notes.services import trash_purge_expired


class Command(BaseCommand):
    help = (
        "Delete for good the memos (with their history and files) that have been in the trash longer than the "
        "`trash_retention_days` site setting. Run it daily, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = site_settings.get("trash_retention_days")
        purged = trash_purge_expired()
        self.stdout.write(f"Purged {purged} memo(s) that spent more than {days} days in the trash.")
