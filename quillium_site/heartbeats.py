"""Processes' signs of life (`Heartbeat` rows): written by the processes, read by the health checks."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from psycopg.types.json import Jsonb

from quillium_site.models import Heartbeat

logger = logging.getLogger("quillium.heartbeats")

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


class Beating(threading.Thread):
    """Beats for a process from a thread of its own, on a connection of its own: a busy process still beats, and a
    database outage only delays the next beat (the connection is dropped and the next round reconnects)."""

    def __init__(self, role: str, name: str, *, every: float, started_at: datetime | None = None) -> None:
        super().__init__(name=f"heartbeat-{role}", daemon=True)
        self.role, self.beat_name, self.every = role, name, every
        self.started_at: datetime = started_at or timezone.now()
        self.stopping = threading.Event()
        self.connection: psycopg.Connection | None = None

    def details(self) -> dict[str, Any]:
        return {"process": process_name()}

    def after_beat(self, connection: psycopg.Connection) -> None:
        """What a subclass does on each round, after the beat (the worker reclaims orphaned tasks)."""

    def beat_once(self) -> None:
        from quillium_site.scheduler_lock import connect_outside_pool

        try:
            if self.connection is None or self.connection.closed:
                self.connection = connect_outside_pool(connect_timeout=5)
            beat(self.connection, role=self.role, name=self.beat_name, started_at=self.started_at,
                 details=self.details())  # fmt: skip
            self.after_beat(self.connection)
        except psycopg.Error as error:
            if not self.stopping.is_set():  # stop() closing the connection mid-beat is no failure
                logger.warning("The %s heartbeat failed (%s); it tries again.", self.role, error)
            if self.connection is not None:
                self.connection.close()
            self.connection = None

    def run(self) -> None:
        try:
            self.beat_once()
            while not self.stopping.wait(self.every):
                self.beat_once()
        finally:  # a beat that reconnected while stop() ran leaves no connection behind
            if self.connection is not None:
                self.connection.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.connection is not None:
            self.connection.close()


def alive(seconds: float) -> list[dict[str, Any]]:
    """Every process that beat within `seconds`, by role then name, with its age by the database's clock."""
    rows = (
        Heartbeat.objects.annotate(age=Now() - F("seen_at"))
        .filter(seen_at__gte=Now() - timedelta(seconds=seconds))
        .order_by("role", "name")
        .values("role", "name", "started_at", "age", "details")
    )
    return [{**row, "age": row["age"].total_seconds()} for row in rows]


WEB_BEAT_SECONDS = 10.0


def start_web_heartbeat() -> Beating:
    """A web server process says it is alive (`manage.py health --all` lists it), every 10 s."""
    beating = Beating(Heartbeat.Role.WEB.value, process_name(), every=WEB_BEAT_SECONDS)
    beating.start()
    return beating
