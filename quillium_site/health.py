"""Health checks shared by `/healthz` and `manage.py health`: each returns a small JSON-able dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

from quillium_site import heartbeats
from quillium_site.models import Heartbeat

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


SCHEDULER_SILENT_AFTER = 30  # seconds without a beat (it beats every 5)
JOB_LATE_AFTER = 120  # seconds past a job's time without the scheduler having run it


def check_scheduler() -> dict[str, Any]:
    """Has a scheduler run its jobs lately: its heartbeat is fresh, no job is overdue, none failed last time.
    Not critical (pages and the API work without it), but `manage.py health` fails on it."""
    try:
        beat = heartbeats.latest(Heartbeat.Role.SCHEDULER)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "critical": False, "error": f"{type(exc).__name__}: {exc}"}
    if beat is None:
        return {"ok": False, "critical": False, "error": "no scheduler has run yet: start `manage.py scheduler`"}
    if beat["age"] > SCHEDULER_SILENT_AFTER:
        return {
            "ok": False,
            "critical": False,
            "error": f"no scheduler has run its jobs for {beat['age']:.0f} s (the last was {beat['name']})",
        }
    problems = _job_problems(beat["details"])
    result: dict[str, Any] = {"ok": not problems, "critical": False, "active": beat["name"], "beat_age": beat["age"]}
    if problems:
        result["error"] = "; ".join(problems)
    return result


def _job_problems(details: dict[str, Any]) -> list[str]:
    """Jobs the scheduler itself saw overdue (by its own clock) or failing."""
    from datetime import datetime, timedelta

    at = datetime.fromisoformat(details["at"])
    problems = []
    for name, job in sorted(details.get("jobs", {}).items()):
        if job.get("next") and datetime.fromisoformat(job["next"]) < at - timedelta(seconds=JOB_LATE_AFTER):
            problems.append(f"{name} is overdue since {job['next']}")
        if job.get("error"):
            problems.append(f"{name} failed at {job['error']}")
    return problems


CHECKS: dict[str, Check] = {"database": check_database, "pgvector": check_pgvector, "scheduler": check_scheduler}


def all_checks() -> dict[str, Check]:
    """The site's own checks, then those apps offer through `AppConfig.health_checks()`."""
    from django.apps import apps

    checks = dict(CHECKS)
    for config in apps.get_app_configs():
        if hasattr(config, "health_checks"):
            checks.update(config.health_checks())
    return checks


ALIVE_WITHIN = 30  # seconds: web servers and workers beat every 10, the active scheduler every 5


def processes() -> dict[str, Any]:
    """Which processes are alive, by their heartbeats: web servers, task workers, the active scheduler and the
    standby ones. Not ok while no worker is, as tasks then wait; `manage.py health --all` and staff's
    `/healthz?full=1` show it."""
    try:
        rows = heartbeats.alive(ALIVE_WITHIN)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "critical": False, "error": f"{type(exc).__name__}: {exc}"}
    alive: dict[str, list[dict[str, Any]]] = {role: [] for role in PROCESS_ROLES}
    for row in _as_last_said(rows):
        alive.setdefault(row["role"], []).append(
            {"name": row["name"], "since": row["started_at"].isoformat(), "beat_age": round(row["age"], 1)}
        )
    result: dict[str, Any] = {"ok": bool(alive["worker"]), "critical": False, **alive}
    if not alive["worker"]:
        result["error"] = f"no task worker has beaten in {ALIVE_WITHIN} s: tasks wait; start `manage.py worker`"
    return result


PROCESS_ROLES = (Heartbeat.Role.WEB, Heartbeat.Role.WORKER, Heartbeat.Role.SCHEDULER, Heartbeat.Role.STANDBY)
SCHEDULER_ROLES = (Heartbeat.Role.SCHEDULER, Heartbeat.Role.STANDBY)


def _as_last_said(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A scheduler that was standing by and took over (or the reverse) has beaten in both roles within the window:
    it is listed once, in the role of its latest beat."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["role"] in SCHEDULER_ROLES:
            kept = latest.get(row["name"])
            if kept is None or row["age"] < kept["age"]:
                latest[row["name"]] = row
    return [row for row in rows if row["role"] not in SCHEDULER_ROLES or latest[row["name"]] is row]


def run_checks(*, full: bool = False) -> dict[str, Any]:
    """Run every check; `ok` is true when every critical one is (a check says `"critical": false` when the
    site still works without it, like the AI provider: the chat page then explains what is wrong). `full` adds
    the list of live processes."""
    checks = all_checks()
    if full:
        checks["processes"] = processes
    results = {name: check() for name, check in checks.items()}
    return {"ok": all(result["ok"] for result in results.values() if result.get("critical", True)), **results}
