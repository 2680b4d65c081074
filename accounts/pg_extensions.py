"""Migration operation that enables a PostgreSQL extension, or says exactly what the server lacks."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import CreateExtension
from django.core.management.base import CommandError
from django.db import DatabaseError


class MissingExtension(CommandError):
    """The database server can't provide an extension Quillium needs (a CommandError: `migrate` prints just this)."""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def ensure_available(connection: Any, name: str, *, minimum: str | None = None, hint: str = "") -> None:
    """Raise MissingExtension unless the server offers `name` (at least version `minimum`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT default_version FROM pg_available_extensions WHERE name = %s", [name])
        row = cursor.fetchone()
        cursor.execute("SELECT current_setting('server_version')")
        (server_version,) = cursor.fetchone()
    where = f"The PostgreSQL {server_version} server at {connection.settings_dict.get('HOST') or 'localhost'}"
    if row is None:
        raise MissingExtension(f"{where} has no `{name}` extension. {hint}".strip())
    if minimum and _version_tuple(row[0]) < _version_tuple(minimum):
        raise MissingExtension(
            f"{where} offers `{name}` {row[0]}, but Quillium needs {minimum} or newer. {hint}".strip()
        )


class RequireExtension(CreateExtension):
    """CREATE EXTENSION IF NOT EXISTS, after checking the server has it, with an actionable error."""

    def __init__(self, name: str, *, minimum: str | None = None, hint: str = "") -> None:
        super().__init__(name)
        self.minimum = minimum
        self.hint = hint

    def deconstruct(self) -> tuple[str, list, dict]:
        return self.__class__.__qualname__, [self.name], {"minimum": self.minimum, "hint": self.hint}

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        ensure_available(schema_editor.connection, self.name, minimum=self.minimum, hint=self.hint)
        try:
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        except DatabaseError as exc:
            raise MissingExtension(
                f"Could not enable the `{self.name}` extension ({exc}). "
                f"A superuser must run `CREATE EXTENSION {self.name};` in this database once."
            ) from exc

    def database_backwards(self, *args: Any, **kwargs: Any) -> None:
        # Other databases' objects may use the extension; leave it in place.
        pass


PGVECTOR_HINT = (
    "Quillium stores embeddings with pgvector: install pgvector 0.7 or newer on the database server "
    "(Debian/Ubuntu: `apt install postgresql-<version>-pgvector`; Docker: the `pgvector/pgvector` image), "
    "or unset DATABASE_URL to use the embedded PostgreSQL, which ships with pgvector."
)
