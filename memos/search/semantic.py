"""Semantic search: each memo's text as a vector (the offline model by default, or the `embedding` AI
config's endpoint), and nearest-neighbour search over one user's memos through an HNSW index."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from ai.services import embed_texts
from memos.models import Memo, MemoEmbedding
from memos.search.keyword import Hit, plain_snippet

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from accounts.models import User

_indexed_dimensions: set[int] = {384}  # made by migration 0003


def ensure_index(dimensions: int) -> None:
    """A partial HNSW index for vectors of this many dimensions (once per process; idempotent in SQL)."""
    if dimensions in _indexed_dimensions:
        return
    n = int(dimensions)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS memos_embedding_hnsw_{n} ON {MemoEmbedding._meta.db_table} "
            f"USING hnsw ((embedding::vector({n})) vector_cosine_ops) WHERE dimensions = {n}"
        )
    _indexed_dimensions.add(n)


def embed_memo(memo_id: uuid.UUID | str) -> str:
    """Bring one memo's embedding up to date: `embedded`, `unchanged`, or `removed` (memo gone)."""
    memo = Memo.objects.filter(pk=memo_id).first()
    if memo is None:
        MemoEmbedding.objects.filter(memo_id=memo_id).delete()
        return "removed"
    return "embedded" if embed_batch([memo]) else "unchanged"


def stale(memos: QuerySet[Memo]) -> QuerySet[Memo]:
    """Memos without an embedding of their current text."""
    current = MemoEmbedding.objects.filter(memo=OuterRef("pk"), source_text=OuterRef("content"))
    return memos.filter(~Exists(current))


def embed_batch(memos: list[Memo]) -> int:
    """Embed the memos whose text has no embedding yet, in one call to the model; returns how many."""
    todo = list(stale(Memo.objects.filter(pk__in=[memo.pk for memo in memos])))
    if not todo:
        return 0
    result = embed_texts([memo.content for memo in todo])
    for memo, vector in zip(todo, result.vectors, strict=True):
        ensure_index(len(vector))
        MemoEmbedding.objects.update_or_create(
            memo=memo,
            defaults={
                "owner_id": memo.owner_id,
                "source_text": memo.content,
                "provider": result.provider,
                "model": result.model,
                "dimensions": len(vector),
                "embedding": vector,
            },
        )
    return len(todo)


# Below this many vectors, comparing them all (through the owner index) beats walking the HNSW graph, which
# for a user owning a sliver of the table must visit many other users' nodes to find ten of theirs.
EXACT_BELOW = 10_000


def nearest_sql(dims: int, *, exact: bool = False) -> str:
    """Nearest memos of one user; named params `vector`, `owner`, `dims`, `model`, `limit`. The indexed form
    orders by `embedding::vector(N)`, which the partial HNSW index of these dimensions serves; the exact form
    orders by the plain column, which no vector index matches, so PostgreSQL reads just the user's rows."""
    n = int(dims)
    column = "e.embedding" if exact else f"e.embedding::vector({n})"
    return f"""
        SELECT e.memo_id, {column} <=> %(vector)s::vector({n}) AS distance
        FROM {MemoEmbedding._meta.db_table} e JOIN {Memo._meta.db_table} m ON m.id = e.memo_id
        WHERE e.owner_id = %(owner)s AND m.owner_id = %(owner)s AND e.dimensions = %(dims)s
          AND e.model = %(model)s AND NOT m.is_deleted
        ORDER BY distance LIMIT %(limit)s
    """


EF_SEARCH = 600  # candidates the HNSW walk keeps: at 200, 9 of 1,000 bench queries walked into the wrong cluster
# and shared nothing with the exact top 10 (1 at 400, none at 600, for ~1.5 ms more); 40 and 100 lost recall too


def tune(cursor: CursorWrapper) -> None:
    """Per-transaction search settings: a wider walk, and pgvector 0.8's iterative scan (strict order) so the
    per-user filter can't leave a query short of results."""
    cursor.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
    cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")


COUNT_CACHE_SECONDS = 300


def own_count(owner: int, dims: int) -> int:
    """How many vectors of this size a user has, counted up to EXACT_BELOW (cheap through the owner index) and
    remembered for a few minutes: it only picks the faster plan, and a count minutes old picks it as well."""
    key = f"memos:embedding-count:{owner}:{dims}"
    count = cache.get(key)
    if count is None:
        count = MemoEmbedding.objects.filter(owner_id=owner, dimensions=dims)[:EXACT_BELOW].count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def _params(vector: object, owner: int, dims: int, model: str, limit: int) -> dict[str, str | int]:
    return {"vector": str(vector), "owner": owner, "dims": dims, "model": model, "limit": limit}


def nearest(owner: int, vector: object, dims: int, model: str, limit: int) -> list[tuple[object, float]]:
    """(memo id, cosine distance) of the owner's memos nearest to `vector`, closest first: through the HNSW
    index, or exactly for owners with few vectors."""
    exact = own_count(owner, dims) < EXACT_BELOW
    with transaction.atomic(), connection.cursor() as cursor:
        tune(cursor)
        cursor.execute(nearest_sql(dims, exact=exact), _params(vector, owner, dims, model, limit))
        return sorted(cursor.fetchall(), key=lambda row: row[1])


RELATIVE_CUT_OFF = 0.5  # of the best hit's similarity: a memo far weaker than the best one is not "related"


def relevant(rows: list[tuple[object, float]]) -> list[tuple[object, float]]:
    """The rows (memo id, cosine distance, closest first) similar enough to count: at least
    SEMANTIC_MIN_SIMILARITY, and at least half as similar as the best one. Nearest-neighbour search always finds
    *something*; this is what keeps "feline musician" from listing every memo."""
    if not rows:
        return []
    best = 1 - rows[0][1]
    floor = max(settings.SEMANTIC_MIN_SIMILARITY, best * RELATIVE_CUT_OFF)
    return [(memo_id, distance) for memo_id, distance in rows if 1 - distance >= floor]


def hits(matches: list[tuple[object, float]]) -> list[Hit]:
    """Search hits for (memo id, similarity) pairs, in their order, with plain-text snippets."""
    memos = Memo.objects.in_bulk([memo_id for memo_id, _ in matches])
    return [
        Hit(memo=memos[memo_id], rank=similarity, snippet=plain_snippet(memos[memo_id].content))
        for memo_id, similarity in matches
        if memo_id in memos
    ]


def semantic_matches(user: User, text: str, *, limit: int = 10) -> list[tuple[object, float]]:
    """(memo id, cosine similarity) of the user's memos (not in the trash) nearest in meaning to `text` and
    similar enough to count, best first; only the memos kept are read afterwards."""
    text = " ".join(text.split())[:2000]
    if not text:
        return []
    query = embed_texts([text])
    vector = query.vectors[0]
    rows = relevant(nearest(user.pk, vector, len(vector), query.model, limit))
    return [(memo_id, 1 - distance) for memo_id, distance in rows]


def semantic_search(user: User, text: str, *, limit: int = 10) -> list[Hit]:
    """The user's memos (not in the trash) nearest in meaning to `text`; rank is the cosine similarity."""
    return hits(semantic_matches(user, text, limit=limit))


def related(memo: Memo, *, limit: int = 5) -> list[Hit]:
    """The owner's other memos nearest in meaning to this one (nothing until it has an embedding)."""
    own = MemoEmbedding.objects.filter(memo=memo).first()
    if own is None:
        return []
    rows = nearest(memo.owner_id, list(own.embedding), own.dimensions, own.model, limit + 1)
    others = relevant([(memo_id, distance) for memo_id, distance in rows if memo_id != memo.pk][:limit])
    return hits([(memo_id, 1 - distance) for memo_id, distance in others])
