"""Days as the bot's community counts them: in the `gamestats_timezone` site setting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts import site_settings


def zone() -> ZoneInfo:
    return ZoneInfo(site_settings.get("gamestats_timezone"))


def today() -> date:
    return timezone.localdate(timezone.now(), zone())


def next_midnight() -> datetime:
    """When the current day ends (and daily limits start over)."""
    return datetime.combine(today() + timedelta(days=1), time.min, tzinfo=zone())
