"""Daily API quotas: each Discord user may call each API the bot uses so many times a day.

Taking a unit is one INSERT … ON CONFLICT DO UPDATE … WHERE statement: the row is created, rolled over to a new
day, or counted up only while under the limit, all under the row's lock, so concurrent requests can never take
more units than the limit allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts import site_settings
from gamestats import clock, services
from gamestats.models import ApiUsage

_TAKE_SQL = """
INSERT INTO gamestats_apiusage AS u (user_discord_id, api_name, endpoint, usage_count, success_count, error_count,
                                     last_used_at, daily_usage_count, daily_reset_date, created_at, updated_at)
VALUES (%(user)s, %(api)s, %(endpoint)s, 1, 0, 0, %(now)s, 1, %(today)s, %(now)s, %(now)s)
ON CONFLICT (user_discord_id, api_name) DO UPDATE SET
    usage_count = u.usage_count + 1,
    daily_usage_count = CASE WHEN u.daily_reset_date = EXCLUDED.daily_reset_date
                             THEN u.daily_usage_count + 1 ELSE 1 END,
    daily_reset_date = EXCLUDED.daily_reset_date,
    endpoint = COALESCE(NULLIF(EXCLUDED.endpoint, ''), u.endpoint),
    last_used_at = EXCLUDED.last_used_at,
    updated_at = EXCLUDED.updated_at
WHERE u.daily_reset_date <> EXCLUDED.daily_reset_date OR u.daily_usage_count < %(limit)s
RETURNING daily_usage_count
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    used: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def daily_limit(api_name: str) -> int:
    limits = site_settings.get("gamestats_daily_limits")
    return limits.get(api_name, limits["default"])


def consume(*, user_id: str, api_name: str, endpoint: str = "", guild_id: str | None = None) -> Decision:
    """Take one unit of today's allowance of `api_name` for the user, if any is left.

    Raises services.Blacklisted for a blacklisted user or guild.
    """
    services.ensure_user(user_id)
    if guild_id:
        services.ensure_guild(guild_id)
    limit, today, resets_at = daily_limit(api_name), clock.today(), clock.next_midnight()
    if limit > 0:
        params: dict[str, Any] = {
            "user": user_id,
            "api": api_name,
            "endpoint": endpoint,
            "now": timezone.now(),
            "today": today,
        }
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_SQL, {**params, "limit": limit})
            row = cursor.fetchone()
        if row is not None:
            return Decision(True, limit, row[0], resets_at)
    return Decision(False, limit, used_today(user_id, api_name), resets_at)


@dataclass(frozen=True)
class Allowance:
    """Where one of a user's APIs stands today."""

    usage: ApiUsage
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def allowances(rows: Iterable[ApiUsage]) -> list[Allowance]:
    today = clock.today()
    return [Allowance(row, daily_limit(row.api_name), row.used_on(today)) for row in rows]


def used_today(user_id: str, api_name: str) -> int:
    usage = ApiUsage.objects.filter(user_id=user_id, api_name=api_name, daily_reset_date=clock.today()).first()  # type: ignore[misc]  # to_field FK: compared by Discord id
    return usage.daily_usage_count if usage else 0


def record_outcome(*, user_id: str, api_name: str, success: bool) -> bool:
    """Count how a call the user made went; False when the user never took a unit of that API."""
    counter = "success_count" if success else "error_count"
    return bool(
        ApiUsage.objects.filter(user_id=user_id, api_name=api_name).update(  # type: ignore[misc]  # to_field FK: compared by Discord id
            **{counter: F(counter) + 1}, updated_at=timezone.now()
        )
    )


def reset_daily_usage() -> int:
    """Start today's count for every row still counting an earlier day. Running it twice changes nothing."""
    today = clock.today()
    return ApiUsage.objects.exclude(daily_reset_date=today).update(
        daily_usage_count=0, daily_reset_date=today, updated_at=timezone.now()
    )
