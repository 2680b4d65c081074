"""DATABASE_URL in each form libpq accepts for a Unix socket reaches the server (the embedded one, by its socket)."""

from __future__ import annotations

from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from quillium_site.database_url import database_from_url

pytestmark = pytest.mark.django_db


def connect(settings: dict) -> str:
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or None, user=settings["USER"], dbname=settings["NAME"],
        connect_timeout=5, **settings["OPTIONS"],
    ) as conn:  # fmt: skip
        return conn.execute("SELECT current_database()").fetchone()[0]


def test_a_socket_given_percent_encoded_or_as_a_parameter_connects():
    here = connection.settings_dict
    socket_dir, port, name = here["HOST"], here["PORT"], here["NAME"]
    assert socket_dir.startswith("/"), "the embedded server listens on its socket"

    encoded = database_from_url(f"postgres://postgres@{quote(socket_dir, safe='')}:{port}/{name}")
    parameter = database_from_url(f"postgres://postgres@:{port}/{name}?host={socket_dir}")

    assert encoded["HOST"] == parameter["HOST"] == socket_dir
    assert connect(encoded) == connect(parameter) == name


def test_a_host_name_and_options_stay_as_given():
    database = database_from_url("postgres://app:secret@db.example:5433/quillium?sslmode=require")

    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 5433, "quillium")
    assert database["OPTIONS"] == {"sslmode": "require"}
