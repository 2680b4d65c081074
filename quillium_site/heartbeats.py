"""Processes' signs of life (`Heartbeat` rows): written by the processes, read by the health checks."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

import psycopg
from django.db.models import F
from django.db.models.functions import Now
from psycopg.types.json import Jsonb

from quillium_site.models import Heartbeat

# One statement: the beat itself, and rows of processes gone for a day (each restart leaves one) forgotten.
BEAT_SQL = """
WITH gone AS (
    DELETE FROM quillium_site_heartbeat WHERE role = %(role)s AND seen_at < now() - interval '1 day'
)
INSERT INTO quillium_site_heartbeat (role, name, started_at, seen_at, details)
VALUES (%(role)s, %(name)s, %(started_at)s, now(), %(details)s)
ON CONFLICT (role, name) DO UPDATE SET seen_at = now(), details = EXCLUDED.details
"""


def process_name() -> str:
    """host:pid, how a heartbeat names this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(
    connection: psycopg.Connection, *, role: str, name: str, started_at: datetime, details: dict[str, Any]
) -> None:
    """Record that `name` is alive now, on a connection the process holds for itself (so a beat also proves that
    connection works; the scheduler's holds its lock)."""
    params = {"role": role, "name": name, "started_at": started_at, "details": Jsonb(details)}
    connection.execute(BEAT_SQL, params)


def latest(role: str) -> dict[str, Any] | None:
    """The most recent heartbeat of a role, with its age in seconds by the database's clock."""
    row = (
        Heartbeat.objects.filter(role=role)
        .annotate(age=Now() - F("seen_at"))
        .order_by("-seen_at")
        .values("name", "started_at", "seen_at", "details", "age")
        .first()
    )
    if row is None:
        return None
    return {**row, "age": row["age"].total_seconds()}
