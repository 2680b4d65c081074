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


def all_checks() -> dict[str, Check]:
    """The site's own checks, then those apps offer through `AppConfig.health_checks()`."""
    from django.apps import apps

    checks = dict(CHECKS)
    for config in apps.get_app_configs():
        if hasattr(config, "health_checks"):
            checks.update(config.health_checks())
    return checks


def run_checks() -> dict[str, Any]:
    """Run every check; `ok` is true when every critical one is (a check says `"critical": false` when the
    site still works without it, like the AI provider: the chat page then explains what is wrong)."""
    results = {name: check() for name, check in all_checks().items()}
    return {"ok": all(result["ok"] for result in results.values() if result.get("critical", True)), **results}
