"""Forget deletions older than the sync retention; devices that stayed away longer resync from scratch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts import site_settings
from memos.sync import services as sync_services


class Command(BaseCommand):
    help = (
        "Delete the records of memos, attachments and diaries deleted for good more than `sync_tombstone_days` "
        "ago (or --days). A device whose last sync is older gets 410 and downloads everything again. Run it "
        "daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Override the sync_tombstone_days site setting.")

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        days = days or site_settings.get("sync_tombstone_days")
        pruned = sync_services.sync_tombstones_prune(days)
        self.stdout.write(f"Pruned {pruned} tombstone(s) older than {days} days.")
