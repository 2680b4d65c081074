"""Import an export zip into a user's account."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from memos.management.commands.export_user import _summary, user_or_error
from memos.portability.archive import import_user


class Command(BaseCommand):
    help = "Add everything in IN.zip (made by export_user or the settings page) to EMAIL's account. All or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("source", help="Path of the zip to read.")

    def handle(self, *args: Any, email: str, source: str, **options: Any) -> None:
        user = user_or_error(email)
        try:
            with open(source, "rb") as zipped:
                counts = import_user(user, zipped)
        except OSError as exc:
            raise CommandError(f"Can't read {source}: {exc.strerror}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {_summary(counts)} into {user.email}."))
