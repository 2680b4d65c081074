"""Acceptance: a DATABASE_URL without pgvector fails at migrate, naming pgvector and what to install.

Needs a PostgreSQL server that lacks pgvector; this machine kind runs one on 127.0.0.1:5432 (trust auth). Point
QUILLIUM_PLAIN_POSTGRES_URL at another one, or the test is skipped when none answers.
"""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings

SERVER = os.environ.get("QUILLIUM_PLAIN_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def plain_database():
    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip(f"No PostgreSQL without pgvector at {SERVER}")
    with admin:
        if admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone():
            pytest.skip(f"The server at {SERVER} has pgvector")
        name = f"quillium_plain_{uuid.uuid4().hex[:8]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield SERVER.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_migrate_names_pgvector_when_the_server_lacks_it(plain_database):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--no-input"],
        env={**env, "DATABASE_URL": plain_database},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "has no `vector` extension" in result.stderr
    assert "install pgvector 0.7 or newer" in result.stderr
    assert "Traceback" not in result.stderr
