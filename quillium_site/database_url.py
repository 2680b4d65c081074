"""DATABASE_URL as Django's database settings, in each form PostgreSQL's own tools accept for a Unix socket."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import environ


def database_from_url(url: str) -> dict[str, Any]:
    """Django's settings for `url`. A socket directory may be given as the percent-encoded host
    (`postgres://user@%2Fvar%2Frun%2Fpostgresql/db`, as libpq documents) or as `?host=/var/run/postgresql`;
    django-environ leaves the first encoded, which psycopg would take for a host name."""
    database = environ.Env.db_url_config(url)
    host = unquote(str(database.get("HOST") or ""))
    options = dict(database.get("OPTIONS") or {})
    if not host and str(options.get("host", "")).startswith("/"):
        host = options.pop("host")
    database["HOST"] = host
    database["OPTIONS"] = options
    return database
