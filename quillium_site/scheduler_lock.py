"""One active scheduler among many: a PostgreSQL advisory lock, held on a connection of its own.

django-crontask only ships a Redis lock; Quillium has PostgreSQL, whose session-level advisory locks are released
by the server the moment the holder's connection ends (a crash, a kill, a database restart), so a standby
scheduler takes over without any timeout to tune."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from crontask import utils as crontask_utils
from django.db import connections

logger = logging.getLogger("quillium.scheduler")

LOCK_KEY = 0x5155494C4C  # "QUILL": any constant the rest of the site never uses for an advisory lock


def connect_outside_pool(alias: str = "default", **options: Any) -> psycopg.Connection:
    """A psycopg connection of its own (autocommit) to Django's database: a session lock held on a pooled
    connection would outlive its holder."""
    params = connections[alias].get_connection_params()
    params.pop("cursor_factory", None)  # Django's own wrappers, meaningless here
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True, **options)


class AdvisoryLock:
    """What django-crontask expects of a lock (`extend` is called every few seconds), backed by PostgreSQL."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self.connection: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        # A database host that stops answering must not hold the scheduler for long: the connect gives up after 10 s,
        # a dead peer is noticed by TCP keepalives (ignored on a Unix socket, where the kernel tells at once).
        return connect_outside_pool(
            self.alias,
            application_name="quillium-scheduler",
            connect_timeout=10,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
        )

    def acquire(self) -> bool:
        """Take the lock if no other scheduler holds it."""
        self.release()
        try:
            self.connection = self._connect()
            held = self.connection.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()
        except psycopg.Error as error:
            logger.warning("Scheduler lock unavailable: %s", error)
            self.release()
            return False
        if not (held and held[0]):
            self.release()
            return False
        return True

    def extend(self, additional_time: Any = None, replace_ttl: bool = False) -> bool:
        """Raise (so crontask stops scheduling) when the lock's connection is gone, and the lock with it."""
        lost = crontask_utils.LockNotOwnedError("The scheduler lost its database connection, and its lock.")
        if self.connection is None:
            raise lost
        try:
            self.connection.execute("SELECT 1")
        except psycopg.Error:
            self.release()
            raise lost from None
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                # Said, not left to the connection's end: the server drops a closed session's locks only once its
                # backend has exited, which a standby asking at once could beat.
                self.connection.execute("SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                pass  # the connection is gone, and the lock with it
            try:
                self.connection.close()
            except psycopg.Error:
                pass
            self.connection = None

    def __enter__(self) -> AdvisoryLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
