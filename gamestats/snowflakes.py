"""Discord ids are snowflakes: 64-bit numbers whose top 42 bits are milliseconds since Discord's epoch (2015)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

DISCORD_EPOCH_MS = 1_420_070_400_000
_DIGITS = re.compile(r"[1-9][0-9]{16,19}")
# Ids are minted by Discord when things are created; one from further ahead than this is made up.
_FUTURE_SLACK_MS = 24 * 3600 * 1000


def snowflake_error(value: object) -> str | None:
    """Why `value` isn't a Discord id, or None when it is one."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value) or int(value) >= 2**64:
        return "Not a Discord id: expected 17 to 20 digits (a snowflake)."
    if created_ms(value) > time.time() * 1000 + _FUTURE_SLACK_MS:
        return "Not a Discord id: its timestamp lies in the future."
    return None


def validate_snowflake(value: str) -> None:
    """Model and form validator."""
    error = snowflake_error(value)
    if error:
        raise ValidationError(error, code="snowflake")


def created_ms(value: str) -> int:
    return (int(value) >> 22) + DISCORD_EPOCH_MS


def created_at(value: str) -> datetime:
    """When Discord created the user or guild with this id."""
    return datetime.fromtimestamp(created_ms(value) / 1000, tz=UTC)
