"""Counters stay exact when many requests land at once on the real PostgreSQL (no test transaction around them)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from accounts import site_settings
from gamestats import ingest, quotas
from gamestats.models import ApiUsage, CommandLog, DiscordUser, GameStats
from gamestats.services import game_record
from tests.gamestats.conftest import snowflake

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 50


def all_at_once(work: Callable[[int], object]) -> list[object]:
    """Run work(0..49) on 50 threads released together; each thread gives its connection back."""
    start = threading.Barrier(THREADS)

    def run(n: int) -> object:
        start.wait()
        try:
            return work(n)
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_fifty_results_at_once_are_all_counted_and_each_achievement_unlocks_once():
    ann = snowflake()

    outcomes = all_at_once(
        lambda n: game_record(user_id=ann, game_type="trivia", won=n % 2 == 0, score=n % 11, playtime_seconds=10)
    )

    stats = GameStats.objects.get(user_id=ann, game_type="trivia")
    assert (stats.games_played, stats.games_won, stats.games_lost) == (50, 25, 25)
    assert stats.total_score == sum(n % 11 for n in range(50))
    assert stats.average_score == Decimal(stats.total_score / 50).quantize(Decimal("0.01"))
    assert (stats.best_score, stats.worst_score, stats.total_playtime_seconds) == (10, 0, 500)
    unlocked = [a.key for outcome in outcomes for a in outcome.unlocked]
    assert sorted(unlocked) == sorted(a["key"] for a in stats.achievements)
    assert len(unlocked) == len(set(unlocked))
    expected = {"first_win", "perfect_score", "ten_wins"} | ({"five_in_a_row"} if stats.best_streak >= 5 else set())
    assert set(unlocked) == expected
    assert DiscordUser.objects.filter(discord_id=ann).count() == 1


def test_with_a_limit_of_ten_exactly_ten_of_fifty_consumes_are_allowed():
    site_settings.set_value("gamestats_daily_limits", {"default": 10})
    ann = snowflake()

    decisions = all_at_once(lambda n: quotas.consume(user_id=ann, api_name="gemini"))

    assert sum(d.allowed for d in decisions) == 10
    assert sorted(d.used for d in decisions if d.allowed) == list(range(1, 11))
    usage = ApiUsage.objects.get(user_id=ann, api_name="gemini")
    assert (usage.daily_usage_count, usage.usage_count) == (10, 10)


def test_fifty_overlapping_batches_at_once_count_every_command():
    people = [snowflake() for _ in range(12)]
    guilds = [snowflake() for _ in range(3)]

    def send(n: int) -> int:
        events = [{"user_id": people[(n + i) % 12], "guild_id": guilds[i % 3], "command": "ping"} for i in range(20)]
        return ingest.store(ingest.parse(events)).stored

    assert sum(all_at_once(send)) == 1000
    assert CommandLog.objects.count() == 1000
    assert sum(DiscordUser.objects.values_list("total_commands_used", flat=True)) == 1000
