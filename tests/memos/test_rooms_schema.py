"""Splitting memos into rooms moved code, not tables: a database at today's schema needs no migration to run it."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

# The memos tables as they were before the split (issue 20); a room must never rename one.
TABLES = {
    "Memo": "memos_memo",
    "MemoPreference": "memos_memopreference",
    "MemoLink": "memos_memolink",
    "MemoRevision": "memos_memorevision",
    "MemoEmbedding": "memos_memoembedding",
    "Resource": "memos_resource",
    "Diary": "memos_diary",
    "SyncTombstone": "memos_synctombstone",
    "SyncHorizon": "memos_synchorizon",
    "SyncCursor": "memos_synccursor",
}


def test_every_memos_model_keeps_its_app_and_table():
    models = {model.__name__: model for model in apps.get_app_config("memos").get_models()}

    assert {name: model._meta.db_table for name, model in models.items()} == TABLES
    assert {model._meta.app_label for model in models.values()} == {"memos"}


def test_a_database_at_todays_schema_needs_no_migration():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()

    assert ("memos", "0009_memo_links") in leaves
    assert executor.migration_plan(leaves) == []
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 when the models drifted


@pytest.mark.parametrize(
    "app, migration",
    [("accounts", "0006"), ("ai", "0004"), ("bots", "0003"), ("chats", "0006"), ("gamestats", "0004"),
     ("library", "0003"), ("memos", "0007")],
)  # fmt: skip
def test_the_translated_field_names_change_no_table(app, migration):
    """The field_names migrations only give fields translatable labels: no SQL at all."""
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)

    statements = [line for line in out.getvalue().splitlines() if line.strip() and not line.startswith("--")]
    assert statements in ([], ["BEGIN;", "COMMIT;"]), statements
