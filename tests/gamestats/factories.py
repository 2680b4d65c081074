"""Game stats rows for read tests, written through the services like the bot's requests would."""

from __future__ import annotations

from gamestats import ingest
from gamestats.services import game_record
from tests.gamestats.conftest import snowflake


def players_with_games(count: int, game: str = "wordle", guild_id: str | None = None) -> list[str]:
    """`count` players; player n won n of n + 2 games, with best score n % 7."""
    ids = []
    for n in range(count):
        user_id = snowflake()
        ingest.store(ingest.parse([{"user_id": user_id, "username": f"player{n}", "guild_id": guild_id,
                                    "command": "wordle"}]))  # fmt: skip
        for g in range(n + 2):
            game_record(user_id=user_id, game_type=game, won=g < n, score=min(n, 6) if g == 0 else 0,
                        playtime_seconds=30)  # fmt: skip
        ids.append(user_id)
    return ids
