"""Database triggers that give every memo, revision, attachment and diary write its place in the owner's change
sequence, and leave a tombstone when one is deleted for good.

They live in the database rather than in services so that no write path (admin, import, cascades, bulk
updates) can forget them. `memos_sync_next(owner)` (created by migration 0004) takes a per-owner transaction lock before
drawing the next number, so one owner's changes commit in sequence order and a device reading "everything
after N" can never step past a change that commits later with a smaller number.
"""

from __future__ import annotations

import pgtrigger
from django.db import connection

# How each table names its owner and the id a device knows the row by.
_OWNER = {
    "memo": "{row}.owner_id",
    "revision": "(SELECT owner_id FROM memos_memo WHERE id = {row}.memo_id)",
    "resource": "{row}.owner_id",
    "diary": "{row}.owner_id",
}
_DEVICE_ID = {
    "memo": "OLD.id::text",
    "resource": "OLD.id::text",
    "diary": "to_char(OLD.date, 'YYYY-MM-DD')",
}


def for_entity(entity: str) -> list[pgtrigger.Trigger]:
    """The triggers of one synced table. Revisions are only ever inserted, and leave with their memo."""
    stamp = pgtrigger.Trigger(
        name="sync_stamp",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert if entity == "revision" else pgtrigger.Insert | pgtrigger.Update,
        func=f"NEW.change_seq := memos_sync_next({_OWNER[entity].format(row='NEW')}); RETURN NEW;",
    )
    if entity not in _DEVICE_ID:
        return [stamp]
    owner = _OWNER[entity].format(row="OLD")
    tombstone = pgtrigger.Trigger(
        name="sync_tombstone",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        func=(
            "INSERT INTO memos_synctombstone (owner_id, entity_type, entity_id, change_seq, deleted_at) "
            f"VALUES ({owner}, '{entity}', {_DEVICE_ID[entity]}, memos_sync_next({owner}), now()); RETURN NULL;"
        ),
    )
    return [stamp, tombstone]


def lock_owner(owner_id: int) -> None:
    """Take the owner's sync lock for the rest of the transaction (the triggers take it too; it is re-entrant)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT memos_sync_lock(%s)", [owner_id])
