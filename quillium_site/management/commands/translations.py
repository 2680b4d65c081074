"""Keep the translation catalogs in step with the code: merge new strings in, compile, or check completeness."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from quillium_site import catalogs


class Command(BaseCommand):
    help = (
        "--update merges every string marked in the code into locale/<lang>/{django,djangojs}.po (new ones "
        "untranslated); --compile writes the .mo files Django reads; --check exits non-zero while any language "
        "lacks a string or has an untranslated or fuzzy one."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--update", action="store_true", help="Merge the code's strings into the catalogs.")
        parser.add_argument("--compile", action="store_true", help="Compile the catalogs to .mo files.")
        parser.add_argument("--check", action="store_true", help="Fail when a catalog is incomplete.")

    def handle(self, *args: Any, update: bool, compile: bool, check: bool, **options: Any) -> None:
        if not (update or compile or check):
            raise CommandError("Say --update, --compile or --check.")
        if update:
            for catalog, added in catalogs.update().items():
                self.stdout.write(f"{catalog}: {added} new string(s)")
        if compile:
            written = catalogs.compile_all()
            self.stdout.write(f"Compiled {len(written)} catalog(s).")
        if check:
            problems = catalogs.check()
            for line in problems.lines():
                self.stdout.write(line)
            if problems:
                raise CommandError("The catalogs are incomplete: translate the lines above (see README, Languages).")
            self.stdout.write("Every catalog is complete.")
