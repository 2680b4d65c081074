"""Make sure an administrator exists, and say how to sign in as them."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import user_create

DEFAULT_EMAIL = "admin@localhost"


class Command(BaseCommand):
    help = (
        "Create the administrator if missing (run by `make run`). Uses DJANGO_SUPERUSER_EMAIL and "
        "DJANGO_SUPERUSER_PASSWORD when set; otherwise generates a password, keeps it in DATA_DIR/admin-password "
        "(readable by its owner only) and prints it. An existing admin is never changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(os.environ.get("DJANGO_SUPERUSER_EMAIL") or DEFAULT_EMAIL)
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        password_file = settings.DATA_DIR / "admin-password"
        user = User.objects.filter(email=email).first()

        if user is None:
            generated = not password
            if generated:
                password = secrets.token_urlsafe(12)
            try:
                user = user_create(email=email, password=password, name="Admin", role=Role.ADMIN, is_superuser=True)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            if generated:
                password_file.write_text(f"{password}\n")
                password_file.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"Created the administrator {email}."))
        else:
            self.stdout.write(f"The administrator {email} exists.")

        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            how = "with the password in DJANGO_SUPERUSER_PASSWORD"
        elif password_file.exists() and user.check_password(password_file.read_text().strip()):
            how = f"with the password {password_file.read_text().strip()} (kept in {password_file})"
        else:
            how = "with the password you set"
        self.stdout.write(f"Sign in as {email} {how}.")
