"""Check the database and pgvector (and, as apps add checks, the AI provider and the worker)."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from quillium_site.health import PROCESS_ROLES, run_checks


class Command(BaseCommand):
    help = (
        "Check that Quillium's dependencies answer and a scheduler runs its jobs; exits non-zero when one doesn't "
        "(/healthz answers 503 only for the database and pgvector). Use --json for machines."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="full",
            help=(
                "Also list the live processes (web servers, task workers, the active and standby schedulers) by "
                "their heartbeats."
            ),
        )

    def handle(self, *args: Any, json: bool = False, full: bool = False, **options: Any) -> None:
        report = run_checks(full=full)
        if json:
            self.stdout.write(_dumps(report))
        else:
            for name, result in report.items():
                if name == "ok":
                    continue
                shown = result.get("version") or result.get("active") or ""
                line = f"{name}: " + (f"ok {shown}".rstrip() if result["ok"] else result["error"])
                self.stdout.write(self.style.SUCCESS(line) if result["ok"] else self.style.ERROR(line))
            if full:
                self._list_processes(report["processes"])
        if not all(result["ok"] for name, result in report.items() if name != "ok"):
            raise CommandError("Some checks failed.")

    def _list_processes(self, result: dict[str, Any]) -> None:
        for role in PROCESS_ROLES:
            alive = result.get(role, [])
            self.stdout.write(f"  {role}: {len(alive)} alive")
            for process in alive:
                self.stdout.write(
                    f"    {process['name']}  up since {process['since']}, beat {process['beat_age']} s ago"
                )


def _dumps(report: dict) -> str:
    return jsonlib.dumps(report, indent=2)
