"""One scan at a time, across processes: a PostgreSQL advisory lock the scan holds while it runs.

Its own module so that both the scanner (which holds it) and the services (which ask whether it is free before
calling a queued scan stale) use it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils.translation import gettext as _

from quillium_site.errors import Conflict

LOCK_KEY = 0x4B494B45  # "KIKE"


class ScanRunning(Conflict):
    """Another scan holds the lock."""

    code = "scan_running"


@contextmanager
def only_scan() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise ScanRunning(_("Another scan is running; try again when it has finished."))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def scan_lock_free() -> bool:
    """No scan holds the lock right now (asked without keeping it)."""
    try:
        with only_scan():
            return True
    except ScanRunning:
        return False
