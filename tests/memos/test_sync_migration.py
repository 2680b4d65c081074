"""Migration 0004 gives rows written before sync existed their place in the change sequence."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("memos", "0003_memo_embeddings")]


def migrate(targets=None) -> None:
    """To `targets`, or (None) back to the latest migrations, as every other test expects the database."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def test_existing_memos_revisions_and_diaries_get_numbers_and_new_writes_follow(alice):
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO memos_memo (id, owner_id, content, tags, pinned, is_archived, is_deleted, "
                "revision_count, created_at, updated_at) VALUES "
                "('00000000-0000-0000-0000-000000000001', %s, 'old one', '{}', false, false, false, 1, now(), now()), "
                "('00000000-0000-0000-0000-000000000002', %s, 'old two', '{}', false, false, false, 1, now(), now())",
                [alice.pk, alice.pk],
            )
            cursor.execute(
                "INSERT INTO memos_memorevision (id, memo_id, user_id, revision_number, content, tags, ai_summary, "
                "is_deleted, created_at) VALUES ('00000000-0000-0000-0000-0000000000a1', "
                "'00000000-0000-0000-0000-000000000001', %s, 1, 'old one', '{}', '', false, now())",
                [alice.pk],
            )
            cursor.execute(
                "INSERT INTO memos_diary (owner_id, date, summary, mood_key, generation_source, "
                "auto_generation_locked, generated_from_memo_ids, is_deleted, created_at, updated_at) "
                "VALUES (%s, '2026-01-01', 'x', '', 'manual', true, '[]', false, now(), now())",
                [alice.pk],
            )
    finally:
        migrate()  # through 0004_sync, which numbers the rows above

    from memos.notes import services
    from memos.sync import changes

    seqs = [change.seq for change in changes.pull(alice, "laptop", cursor=0).changes]
    assert len(seqs) == 4 and len(set(seqs)) == 4 and min(seqs) > 0
    services.memo_create(owner=alice, content="new")
    later = changes.pull(alice, "laptop", cursor=max(seqs)).changes
    assert [change.entity_type for change in later] == ["memo", "revision"]
