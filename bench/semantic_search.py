"""Semantic search at scale: 200,000 memos with stored embeddings, one heavy user owning 100,000 and 100 light
users sharing the rest.

Vectors are synthetic but clustered like real notes (384 dimensions, the default model's): 300 topic centres,
each memo a centre plus noise, normalised. The script loads them with COPY into a separate embedded database
under var/bench, builds the HNSW index (timed, with its size), then runs 200 queries for the heavy user through
the same SQL as the app (`memos.search.semantic.nearest_sql`) with the index and exactly (index off), reporting
p50/p99 latency, recall@10 of the index against exact search and the speedup, and 200 queries of light users.

Usage: .venv/bin/python bench/semantic_search.py [--memos 200000] [--queries 200] [--reuse]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import uuid
from typing import Any

import numpy as np
from harness import percentile

DIMS = 384
MODEL = "bench-synthetic"


def vector_text(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.6f}" for value in vector) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memos", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the memos and index of the previous run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.services import user_create

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(7)
    heavy_count = args.memos // 2
    light_users = 100

    users = []
    for n in range(light_users + 1):
        email = f"bench-{n}@localhost"
        users.append(User.objects.filter(email=email).first() or user_create(email=email, password=None))
    heavy, lights = users[0], users[1:]

    centres = rng.normal(size=(300, DIMS)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    if args.reuse:
        measure(args, heavy, lights, heavy_count, centres, rng)
        return
    with connection.cursor() as cursor:
        ids = [[user.pk for user in users]]
        cursor.execute("DELETE FROM memos_memoembedding WHERE owner_id = ANY(%s)", ids)
        cursor.execute("DELETE FROM memos_memorevision WHERE user_id = ANY(%s)", ids)
        cursor.execute("DELETE FROM memos_memo WHERE owner_id = ANY(%s)", ids)
        cursor.execute("DROP INDEX IF EXISTS memos_embedding_hnsw_384")

    owners = [heavy.pk] * heavy_count + [lights[i % light_users].pk for i in range(args.memos - heavy_count)]
    started = time.perf_counter()
    batch = 20_000
    for start in range(0, args.memos, batch):
        size = min(batch, args.memos - start)
        topics = rng.integers(0, len(centres), size)
        vectors = centres[topics] + rng.normal(scale=0.35, size=(size, DIMS)).astype(np.float32) / np.sqrt(DIMS / 8)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        memo_rows, embedding_rows = io.StringIO(), io.StringIO()
        for offset in range(size):
            memo_id = uuid.uuid4()
            owner = owners[start + offset]
            memo_rows.write(f"{memo_id}\t{owner}\tbench memo {start + offset}\t{{}}\tf\tf\tf\t1\tnow\tnow\n")
            embedding_rows.write(f"{memo_id}\t{owner}\t\tbench\t{MODEL}\t{DIMS}\t{vector_text(vectors[offset])}\tnow\n")
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY memos_memo (id, owner_id, content, tags, pinned, is_archived, is_deleted, revision_count, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                copy.write(memo_rows.getvalue())
            with cursor.copy(
                "COPY memos_memoembedding (memo_id, owner_id, source_text, provider, model, dimensions, embedding, "
                "updated_at) FROM STDIN"
            ) as copy:
                copy.write(embedding_rows.getvalue())
        print(f"loaded {start + size:,}/{args.memos:,} memos", flush=True)
    print(f"load: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX memos_embedding_hnsw_384 ON memos_memoembedding "
            "USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384"
        )
        build = time.perf_counter() - started
        cursor.execute("ANALYZE memos_memo")
        cursor.execute("ANALYZE memos_memoembedding")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('memos_embedding_hnsw_384'))")
        size = cursor.fetchone()[0]
    print(f"HNSW index build: {build:.1f} s, size {size}")

    measure(args, heavy, lights, heavy_count, centres, rng)


def measure(
    args: argparse.Namespace,
    heavy: Any,
    lights: list[Any],
    heavy_count: int,
    centres: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """The 200 heavy-user queries (indexed and exact) and the light users' queries; prints the figures."""
    from django.db import connection, transaction

    from memos.search.semantic import EXACT_BELOW, nearest_sql, tune

    light_users = len(lights)

    def run(user_id: int, query: np.ndarray, exact: bool) -> tuple[float, list]:
        """Like memos.search.semantic.semantic_search: count the user's vectors, then the indexed or exact query."""
        with transaction.atomic(), connection.cursor() as cursor:
            began = time.perf_counter()
            tune(cursor)
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM memos_memoembedding WHERE owner_id = %s AND dimensions = %s "
                "LIMIT %s) AS mine",
                [user_id, DIMS, EXACT_BELOW],
            )
            exact = exact or cursor.fetchone()[0] < EXACT_BELOW
            params = {"vector": vector_text(query), "owner": user_id, "dims": DIMS, "model": MODEL, "limit": 10}
            cursor.execute(nearest_sql(DIMS, exact=exact), params)
            rows = cursor.fetchall()
            return (time.perf_counter() - began) * 1000, [row[0] for row in rows]

    def queries(count: int) -> np.ndarray:
        picked = centres[rng.integers(0, len(centres), count)]
        noisy = picked + rng.normal(scale=0.35, size=picked.shape).astype(np.float32) / np.sqrt(DIMS / 8)
        return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)

    for query in queries(5):  # warm the caches
        run(heavy.pk, query, exact=False)
    indexed_ms, exact_ms, recalls, short, disjoint = [], [], [], 0, 0
    for query in queries(args.queries):
        took, found = run(heavy.pk, query, exact=False)
        exact_took, truth = run(heavy.pk, query, exact=True)
        indexed_ms.append(took)
        exact_ms.append(exact_took)
        recalls.append(len(set(found) & set(truth)) / 10)
        short += len(found) != 10
        disjoint += not set(found) & set(truth)
    light_ms, light_short, light_disjoint = [], 0, 0
    for number, query in enumerate(queries(args.queries)):
        took, found = run(lights[number % light_users].pk, query, exact=False)
        _, truth = run(lights[number % light_users].pk, query, exact=True)
        light_ms.append(took)
        light_short += len(found) != 10
        light_disjoint += not set(found) & set(truth)

    p50, exact_p50 = statistics.median(indexed_ms), statistics.median(exact_ms)
    print(
        f"heavy user ({heavy_count:,} memos), {args.queries} queries: indexed p50 {p50:.2f} ms p99 "
        f"{percentile(indexed_ms, 0.99):.2f} ms; exact p50 {exact_p50:.2f} ms p99 {percentile(exact_ms, 0.99):.2f} ms; "
        f"speedup {exact_p50 / p50:.1f}x; recall@10 {statistics.mean(recalls):.3f} (min {min(recalls):.1f}); "
        f"queries with fewer than 10 results: {short}; sharing nothing with the exact top 10: {disjoint}"
    )
    print(
        f"light users (~{(args.memos - heavy_count) // light_users:,} memos each), {args.queries} queries: "
        f"p50 {statistics.median(light_ms):.2f} ms p99 {percentile(light_ms, 0.99):.2f} ms; "
        f"queries with fewer than 10 results: {light_short}; sharing nothing with the exact top 10: {light_disjoint}"
    )


if __name__ == "__main__":
    main()
