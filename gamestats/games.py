"""Which games exist and their rules: registered ones (Game rows), and any other the bot reports, by plain rules
unless the `gamestats_unknown_games` site setting says to refuse them."""

from __future__ import annotations

from accounts import site_settings
from gamestats import rules
from gamestats.models import Game, GameStats


def game(key: str) -> rules.GameType | None:
    """The rules of game `key`; None when it isn't registered and unknown games are refused."""
    registered = Game.objects.filter(key=key).first()
    if registered is not None:
        return registered.rules()
    if site_settings.get("gamestats_unknown_games") == "plain":
        return rules.plain(key)
    return None


def known() -> list[rules.GameType]:
    """Registered games by label, then games played without being registered, by key."""
    registered = [row.rules() for row in Game.objects.all()]
    keys = {game.key for game in registered}
    played = GameStats.objects.exclude(game_type__in=keys).values_list("game_type", flat=True).distinct()
    return registered + [rules.plain(key) for key in sorted(played)]


def labels() -> dict[str, str]:
    """Each known game's name in the reader's language, by key (for tables that list games by key)."""
    return {game.key: game.display_label for game in known()}
