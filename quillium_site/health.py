"""Health checks shared by `/healthz` and `manage.py health`: each returns a small JSON-able dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

Check = Callable[[], dict[str, Any]]


def check_database() -> dict[str, Any]:
    """Can we query the database, and which PostgreSQL is it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            (version,) = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "version": version}


def check_pgvector() -> dict[str, Any]:
    """Is the `vector` extension installed in this database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    if row is None:
        return {"ok": False, "error": "the vector extension is not installed; run `manage.py migrate`"}
    return {"ok": True, "version": row[0]}


CHECKS: dict[str, Check] = {"database": check_database, "pgvector": check_pgvector}


def run_checks() -> dict[str, Any]:
    """Run every check; `ok` is true only when all of them are."""
    results = {name: check() for name, check in CHECKS.items()}
    return {"ok": all(result["ok"] for result in results.values()), **results}
