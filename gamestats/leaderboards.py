"""Per-game leaderboards, global or within one guild, ranked five ways."""

from __future__ import annotations

from django.db.models import F, FloatField, QuerySet, Window
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import gettext_lazy

from accounts import site_settings
from gamestats.models import GameStats

# Ties on the first key go to the next ones; the Discord id keeps the order total (stable pages).
ORDERS: dict[str, tuple[str, ...]] = {
    "wins": ("-games_won", "games_played", "user_id"),
    "best_score": ("-best_score", "-games_won", "user_id"),
    "win_rate": ("-win_rate_value", "-games_won", "user_id"),
    "streak": ("-current_streak", "-best_streak", "user_id"),
    "best_streak": ("-best_streak", "-games_won", "user_id"),
}
LABELS = {
    "wins": gettext_lazy("Wins"),
    "best_score": gettext_lazy("Best score"),
    "win_rate": gettext_lazy("Win rate"),
    "streak": gettext_lazy("Current streak"),
    "best_streak": gettext_lazy("Best streak"),
}


def leaderboard(
    game_type: str, *, by: str = "wins", guild_id: str | None = None, min_games: int | None = None
) -> QuerySet[GameStats]:
    """Players of `game_type` in rank order, each with `rank` (1 = first). Win rate only counts players with at
    least `min_games` games (default: the `gamestats_win_rate_min_games` site setting)."""
    rows = GameStats.objects.filter(game_type=game_type, games_played__gt=0).select_related("user")
    if guild_id:
        rows = rows.filter(user__guilds__guild_id=guild_id)
    if by == "win_rate":
        needed = min_games or site_settings.get("gamestats_win_rate_min_games")
        rows = rows.filter(games_played__gte=needed).annotate(
            win_rate_value=Cast(F("games_won"), FloatField()) / F("games_played")
        )
    order = [F(key[1:]).desc() if key.startswith("-") else F(key).asc() for key in ORDERS[by]]
    return rows.annotate(rank=Window(RowNumber(), order_by=order)).order_by(*ORDERS[by])
