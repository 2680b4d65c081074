"""The check of a pooled connection: no round trip for a healthy idle one, and a dead one is never handed out."""

from __future__ import annotations

import select
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from quillium_site.pool_check import check_connection


@pytest.fixture
def raw(db) -> Iterator[psycopg.Connection]:
    """A connection of its own to the test database, in autocommit as the pool keeps them."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as own:
        yield own


@pytest.fixture
def round_trips(monkeypatch) -> list[psycopg.Connection]:
    """The connections given psycopg_pool's own check (a query sent to the server)."""
    checked: list[psycopg.Connection] = []
    original = ConnectionPool.check_connection

    def spy(conn: psycopg.Connection) -> None:
        checked.append(conn)
        original(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(spy))
    return checked


def terminate(conn: psycopg.Connection) -> None:
    """End the connection's server process, as a PostgreSQL restart or crash does, and wait for the news."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
    select.select([conn.fileno()], [], [], 5)


def test_a_healthy_idle_connection_is_handed_out_without_a_round_trip(raw, round_trips):
    raw.execute("SELECT 1")

    check_connection(raw)

    assert round_trips == []
    assert raw.execute("SELECT 2").fetchone() == (2,)


def test_a_connection_whose_server_process_ended_fails_the_check(raw, round_trips):
    terminate(raw)

    with pytest.raises(psycopg.OperationalError):
        check_connection(raw)
    assert round_trips == [raw]


def test_a_closed_connection_fails_the_check(raw):
    raw.close()

    with pytest.raises(psycopg.OperationalError):
        check_connection(raw)


def test_a_connection_left_in_a_transaction_gets_the_full_check(raw, round_trips):
    raw.autocommit = False
    raw.execute("SELECT 1")  # opens a transaction

    with pytest.raises(psycopg.ProgrammingError):  # psycopg_pool's check refuses a connection mid-transaction
        check_connection(raw)
    assert round_trips == [raw]


@pytest.mark.django_db(transaction=True)  # outside a test transaction, Django's connections come from the pool
def test_after_the_pools_server_processes_end_the_next_query_gets_a_live_connection():
    connection.ensure_connection()
    assert connection.pool is not None
    pooled = [connection.pool.getconn() for _ in range(3)]
    for conn in pooled:
        connection.pool.putconn(conn)
    connection.close()
    for conn in pooled:
        terminate(conn)

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
