"""Export one user's notes to a zip."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from memos.portability.archive import export_user


class Command(BaseCommand):
    help = "Write EMAIL's memos (with history), attachments and diaries to OUT.zip, for backup or moving servers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("out", help="Path of the zip to write.")

    def handle(self, *args: Any, email: str, out: str, **options: Any) -> None:
        user = user_or_error(email)
        try:
            with open(out, "wb") as target:
                counts = export_user(user, target)
        except OSError as exc:
            raise CommandError(f"Can't write {out}: {exc.strerror}.") from exc
        self.stdout.write(self.style.SUCCESS(f"Exported {_summary(counts)} to {out}."))


def user_or_error(email: str) -> User:
    """The user with this email, or a CommandError saying there is none."""
    user = User.objects.filter(email=User.objects.normalize_email(email)).first()
    if user is None:
        raise CommandError(f"No user with the email {email}; create the account first.")
    return user


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counts.items())
