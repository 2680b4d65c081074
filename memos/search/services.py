"""Writes of the search index: dropping and catching up memo embeddings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from memos.models import (
    Memo,
    MemoEmbedding,
)

if TYPE_CHECKING:
    pass


def embeddings_forget(memos: QuerySet[Memo]) -> int:
    """Drop the embeddings of these memos (the model changed): `embeddings_catch_up` computes them again."""
    return MemoEmbedding.objects.filter(memo__in=memos).delete()[0]


def embeddings_catch_up(memos: QuerySet[Memo], *, batch: int = 64) -> Iterator[tuple[int, int]]:
    """Embed, `batch` memos per model call, those of `memos` whose current text has no embedding; yields
    (done, total) after each batch. Stops early when a batch finds nothing left to do (changed meanwhile)."""
    from memos.search.semantic import embed_batch, stale

    total = stale(memos).count()
    done = 0
    while chunk := list(stale(memos).order_by("pk")[:batch]):
        embedded = embed_batch(chunk)
        if not embedded:
            return
        done += embedded
        yield done, total
