"""Writes of the sync records that no device write makes: pruning old tombstones."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from memos.models import (
    SyncHorizon,
    SyncTombstone,
)

if TYPE_CHECKING:
    pass


def sync_tombstones_prune(days: int) -> int:
    """Delete tombstones older than `days`, remembering per user how far they went (see SyncHorizon)."""
    old = SyncTombstone.objects.filter(deleted_at__lt=timezone.now() - timedelta(days=days))
    with transaction.atomic():
        # Tombstones only ever get newer, so the newest pruned one is each user's new horizon.
        tops = old.values("owner").annotate(top=Max("change_seq"))
        SyncHorizon.objects.bulk_create(
            [SyncHorizon(user_id=row["owner"], pruned_through=row["top"]) for row in tops],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["pruned_through", "updated_at"],
        )
        return old.delete()[0]
