"""Scan the library roots for audio works."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from library import scanner
from library.models import Scan
from library.scan_lock import ScanRunning


class Command(BaseCommand):
    help = (
        "Find work folders (RJ/VJ/BJ codes, or a work.json) under every root (admin, or LIBRARY_ROOTS), read new and "
        "changed ones (audio durations and tags, cover, lyrics), skip unchanged ones, and mark vanished ones "
        "unavailable. Aborts without changing anything when more than --max-missing of the known works vanished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report what would be added, changed, missing.")
        parser.add_argument("--max-missing", type=float, default=scanner.DEFAULT_MAX_MISSING_SHARE,
                            help="Largest share of known works that may vanish in one scan (default 0.2).")  # fmt: skip

    def handle(self, *args: Any, dry_run: bool, max_missing: float, **options: Any) -> None:
        def progress(record: Scan) -> None:
            self.stdout.write(f"{record.folders_done:,}/{record.folders_total:,} folders")

        try:
            record = scanner.scan(dry_run=dry_run, max_missing_share=max_missing, progress=progress)
        except ScanRunning as running:
            raise CommandError(str(running)) from None
        summary = (
            f"{record.added} added, {record.changed} changed, {record.unchanged} unchanged, "
            f"{record.missing} missing, {record.restored} back"
        )
        for error in record.errors:
            self.stderr.write(error)
        if record.status == Scan.Status.ABORTED:
            raise CommandError(record.message)
        self.stdout.write(self.style.SUCCESS(("Dry run: " if dry_run else "") + summary + "."))
