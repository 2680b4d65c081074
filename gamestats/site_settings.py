"""Site settings owned by game stats: daily API limits and the timezone whose midnight resets them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.site_settings import Definition, register


def _check_limits(value: dict[str, Any]) -> None:
    if "default" not in value:
        raise ValidationError(_('Daily API limits need a "default" entry for APIs not named.'))
    for name, limit in value.items():
        if not isinstance(name, str) or not 0 < len(name) <= 50:
            raise ValidationError(_("API names are 1 to 50 characters: %(name)s.") % {"name": repr(name)})
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise ValidationError(
                _("The daily limit of %(name)s must be a whole number from 0 up, not %(limit)s.")
                % {"name": name, "limit": repr(limit)}
            )


def _check_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown timezone %(value)s; use a name like Europe/Paris or UTC.") % {"value": repr(value)}
        ) from None


register(
    Definition(
        key="gamestats_daily_limits",
        kind=dict,
        default={"default": 100},
        check=_check_limits,
        help='Uses per Discord user per day of each API the bot calls, e.g. {"default": 100, "gemini": 25}.',
    )
)
register(
    Definition(
        key="gamestats_timezone",
        kind=str,
        default="UTC",
        check=_check_timezone,
        help="Daily API limits start over at midnight in this timezone.",
    )
)
register(
    Definition(
        key="gamestats_win_rate_min_games",
        kind=int,
        default=10,
        minimum=1,
        help="Games a player needs before appearing on win-rate leaderboards.",
    )
)


def _check_unknown_games(value: str) -> None:
    if value not in ("plain", "refuse"):
        raise ValidationError(_('Either "plain" (count them, no rules) or "refuse" (400).'))


register(
    Definition(
        key="gamestats_unknown_games",
        kind=str,
        default="plain",
        check=_check_unknown_games,
        help='A game result for a game nobody registered: "plain" counts it with no rules (any score, no maximum), '
        '"refuse" answers 400.',
    )
)
