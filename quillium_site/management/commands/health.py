"""Check the database and pgvector (and, as apps add checks, the AI provider and the worker)."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from quillium_site.health import run_checks


class Command(BaseCommand):
    help = "Check that Quillium's dependencies answer; exits non-zero when one doesn't. Use --json for machines."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        report = run_checks()
        if json:
            self.stdout.write(_dumps(report))
        else:
            for name, result in report.items():
                if name == "ok":
                    continue
                line = f"{name}: " + ("ok " + str(result.get("version", "")) if result["ok"] else result["error"])
                self.stdout.write(self.style.SUCCESS(line) if result["ok"] else self.style.ERROR(line))
        if not report["ok"]:
            raise CommandError("Some checks failed.")


def _dumps(report: dict) -> str:
    return jsonlib.dumps(report, indent=2)
