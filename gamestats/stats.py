"""Figures for the overview and guild pages, computed from the command logs in the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Aggregate, Avg, Count, FloatField, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from gamestats import clock
from gamestats.models import CommandLog


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont, e.g. Percentile("execution_time_ms", 0.95)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Day:
    day: date
    total: int
    errors: int


def logs(guild_id: str | None = None, days: int = 30) -> QuerySet[CommandLog]:
    since = timezone.now() - timedelta(days=days)
    rows = CommandLog.objects.filter(executed_at__gte=since)
    return rows.filter(guild_id=guild_id) if guild_id else rows


def per_day(guild_id: str | None = None, days: int = 30) -> list[Day]:
    """Commands and errors on each of the last `days` days (in the game stats timezone), zero days included."""
    counted = {
        row["day"]: row
        for row in logs(guild_id, days)
        .annotate(day=TruncDate("executed_at", tzinfo=clock.zone()))
        .values("day")
        .annotate(total=Count("id"), errors=Count("id", filter=Q(success=False)))
    }
    today = clock.today()
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    empty = {"total": 0, "errors": 0}
    return [Day(d, counted.get(d, empty)["total"], counted.get(d, empty)["errors"]) for d in span]


def _dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


def slowest_commands(guild_id: str | None = None, days: int = 30, limit: int = 10) -> list[dict]:
    return _dicts(
        logs(guild_id, days)
        .filter(execution_time_ms__isnull=False)
        .values("command_name")
        .annotate(uses=Count("id"), average_ms=Avg("execution_time_ms"), p95_ms=Percentile("execution_time_ms", 0.95))
        .order_by("-p95_ms", "command_name")[:limit]
    )


def top_commands(guild_id: str | None = None, days: int = 30, limit: int = 10) -> list[dict]:
    return _dicts(
        logs(guild_id, days)
        .values("command_name")
        .annotate(uses=Count("id"), errors=Count("id", filter=Q(success=False)))
        .order_by("-uses", "command_name")[:limit]
    )


def error_rate(days_counted: list[Day]) -> float:
    total = sum(d.total for d in days_counted)
    return sum(d.errors for d in days_counted) / total if total else 0.0


def most_active_members(guild_id: str, days: int = 30, limit: int = 20) -> list[dict]:
    """Who used the bot most in the guild lately, with how often and when last."""
    return _dicts(
        logs(guild_id, days)
        .values("user_id", "user__username")
        .annotate(uses=Count("id"), last_seen_at=Max("executed_at"))
        .order_by("-uses", "user_id")[:limit]
    )
