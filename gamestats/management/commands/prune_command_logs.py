"""Delete old command logs in batches, so the table and its indexes stay small without long locks."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gamestats import services
from gamestats.models import CommandLog

UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """`90d`, `12h`, `2w` → a timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([dhw])\s*", text)
    if not match or int(match[1]) == 0:
        raise CommandError(f"--older-than takes a number and a unit, like 90d, 12h or 2w; not {text!r}.")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(BaseCommand):
    help = "Delete command logs older than a given age (e.g. --older-than 90d), in batches, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", required=True, type=parse_age, help="Age like 90d, 12h or 2w.")
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args: Any, older_than: timedelta, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        cutoff = timezone.now() - older_than
        old = CommandLog.objects.filter(executed_at__lt=cutoff)
        total = old.count()
        if dry_run or not total:
            self.stdout.write(f"{total:,} command log(s) from before {cutoff:%Y-%m-%d %H:%M} would be deleted.")
            return
        deleted = 0
        for deleted, total in services.command_logs_prune(cutoff, batch_size=batch_size):
            self.stdout.write(f"Deleted {deleted:,} of {total:,} ({deleted * 100 // total}%)")
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted:,} command log(s) from before {cutoff:%Y-%m-%d}."))
