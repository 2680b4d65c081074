"""Which index should `command_logs.executed_at` have? The reads that order or filter by it, on 1,000,000 logs,
with a BRIN index (what Quillium had), a B-tree (the seed's, kept), and both; and what each costs ingest.

Usage: .venv/bin/python bench/command_log_index.py [--rows 1000000 --repeat 15]

Reads, each the median of `--repeat` runs after one warm-up, in-process against the bench database:
- the admin's command log list (the real page through Django's test client, as a superuser: newest 100 with
  their users and guilds, its date hierarchy's first and last dates),
- the staff overview's 30-day chart (`gamestats.stats.per_day`, a date range grouped by day),
- the API's latest 20 commands of one user (the user detail endpoint's query),
and ingest: COPY of 100,000 more logs in one transaction (deleted again after).
"""

from __future__ import annotations

import argparse
import statistics
import time

from harness import ROOT  # noqa: F401 - sets DATA_DIR, settings and the path

INDEX = "gamestats_log_executed"
VARIANTS = {
    "BRIN": [f"CREATE INDEX {INDEX} ON gamestats_commandlog USING brin (executed_at)"],
    "B-tree (kept)": [f"CREATE INDEX {INDEX} ON gamestats_commandlog (executed_at DESC)"],
    "B-tree + BRIN": [
        f"CREATE INDEX {INDEX} ON gamestats_commandlog (executed_at DESC)",
        f"CREATE INDEX {INDEX}_brin ON gamestats_commandlog USING brin (executed_at)",
    ],
}
USERS = 1000


def setup(rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM gamestats_commandlog")
        if cursor.fetchone()[0] == rows:
            return
        print(f"writing {rows:,} command logs over 90 days ...")
        cursor.execute("TRUNCATE gamestats_commandlog")
        cursor.execute(
            """
            INSERT INTO gamestats_discorduser (discord_id, username, is_whitelisted, is_blacklisted, blacklist_reason,
                total_commands_used, first_seen_at, last_seen_at, created_at, updated_at)
            SELECT (100000000000000000 + n)::text, 'player ' || n, false, false, '', 0, now(), now(), now(), now()
            FROM generate_series(1, %s) n ON CONFLICT DO NOTHING
            """,
            [USERS],
        )
        # In time order with a little jitter, as the bot sends them.
        cursor.execute(
            """
            INSERT INTO gamestats_commandlog (user_discord_id, command_name, command_args, execution_time_ms, success,
                error_message, user_agent, executed_at)
            SELECT (100000000000000000 + 1 + (n::bigint * 7919) %% %s)::text,
                   (ARRAY['wordle','trivia','help','gemini','rank','ping'])[1 + n %% 6], '{}', 20 + n %% 400,
                   n %% 20 <> 0, '', '',
                   now() - interval '90 days' + (n * interval '90 days' / %s) + (n %% 7) * interval '1 second'
            FROM generate_series(1, %s) n
            """,
            [USERS, rows, rows],
        )
        cursor.execute("VACUUM ANALYZE gamestats_commandlog")


def use_variant(statements: list[str]) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}_brin")
        started = time.perf_counter()
        for statement in statements:
            cursor.execute(statement)
        built = time.perf_counter() - started
        cursor.execute("ANALYZE gamestats_commandlog")
        cursor.execute(
            "SELECT sum(pg_relation_size(indexrelid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname LIKE %s",
            [f"{INDEX}%"],
        )
        size = cursor.fetchone()[0]
    print(f"  index built in {built:.1f} s, {size / 1024 / 1024:.2f} MiB")
    return built


def timed(work, repeat: int) -> float:
    work()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def measure(repeat: int) -> dict[str, float]:
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import User
    from gamestats import stats
    from gamestats.models import CommandLog

    admin = User.objects.filter(email="bench-logs@example.com").first()
    if admin is None:
        from accounts.services import user_create

        admin = user_create(email="bench-logs@example.com", password=None, name="Bench")
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    someone = str(100000000000000000 + 17)

    def admin_page() -> None:
        response = client.get("/admin/gamestats/commandlog/")
        assert response.status_code == 200, response.status_code

    def latest_20() -> None:
        list(CommandLog.objects.filter(user_id=someone).order_by("-executed_at")[:20])

    def ingest_100k() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(
                "COPY gamestats_commandlog (user_discord_id, command_name, command_args, success, error_message, "
                "user_agent, executed_at) FROM STDIN"
            ) as copy:
                for _ in range(100_000):
                    copy.write_row([someone, "ping", "{}", True, "", "", "2030-01-01T00:00:00Z"])
            cursor.execute("DELETE FROM gamestats_commandlog WHERE executed_at >= '2030-01-01'")

    return {
        "admin list page": timed(admin_page, repeat),
        "30-day chart (per_day)": timed(stats.per_day, repeat),
        "a user's latest 20": timed(latest_20, repeat),
        "COPY 100,000 more": timed(ingest_100k, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    setup(options.rows)
    results: dict[str, dict[str, float]] = {}
    try:
        for name, statements in VARIANTS.items():
            print(f"{name}:")
            use_variant(statements)
            results[name] = measure(options.repeat)
            for read, ms in results[name].items():
                print(f"  {read:<24} {ms:9.1f} ms")
    finally:
        use_variant(VARIANTS["B-tree (kept)"])  # leave the schema as the migrations make it
    print(f"\n{options.rows:,} logs, median of {options.repeat} runs (ms):")
    reads = list(next(iter(results.values())))
    print(f"  {'':<24}" + "".join(f"{name:>16}" for name in results))
    for read in reads:
        print(f"  {read:<24}" + "".join(f"{results[name][read]:16.1f}" for name in results))


if __name__ == "__main__":
    main()
