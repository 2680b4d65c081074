"""The games the bot plays and the achievements they unlock: every rule about game results lives here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Counts(Protocol):
    """What an achievement looks at: a player's GameStats row (a protocol, as models imports this module)."""

    games_played: int
    games_won: int
    current_streak: int

    @property
    def achievement_keys(self) -> set[str]: ...


@dataclass(frozen=True)
class GameType:
    key: str
    label: str
    max_score: int  # a perfect game scores this much; scores run from 0 up to it

    def score_error(self, score: int) -> str | None:
        if not 0 <= score <= self.max_score:
            return f"A {self.label} score runs from 0 to {self.max_score}; got {score}."
        return None


GAME_TYPES: dict[str, GameType] = {
    game.key: game
    for game in (
        GameType("wordle", "Wordle", 6),  # 6 = solved at the first guess, 1 = at the sixth, 0 = not solved
        GameType("trivia", "Trivia", 10),  # questions answered right out of 10
        GameType("hangman", "Hangman", 6),  # lives left
        GameType("tictactoe", "Tic-tac-toe", 1),
        GameType("rps", "Rock paper scissors", 1),
        GameType("connect4", "Connect Four", 1),
        GameType("blackjack", "Blackjack", 21),
        GameType("typing", "Typing race", 250),  # words per minute
    )
}


@dataclass(frozen=True)
class Result:
    won: bool
    score: int
    playtime_seconds: int


@dataclass(frozen=True)
class Achievement:
    key: str
    title: str
    description: str
    earned: Callable[[Counts, Result, GameType], bool]  # judged on the stats after the result is counted


ACHIEVEMENTS: tuple[Achievement, ...] = (
    Achievement("first_win", "First win", "Won a game.", lambda stats, result, game: stats.games_won >= 1),
    Achievement("ten_wins", "Ten wins", "Won 10 games.", lambda stats, result, game: stats.games_won >= 10),
    Achievement("hundred_games", "Regular", "Played 100 games.", lambda stats, result, game: stats.games_played >= 100),
    Achievement(
        "perfect_score",
        "Perfect",
        "Scored the most a game allows.",
        lambda stats, result, game: result.score == game.max_score,
    ),
    Achievement(
        "five_in_a_row", "On a roll", "Won 5 games in a row.", lambda stats, result, game: stats.current_streak >= 5
    ),
)
ACHIEVEMENT_TITLES = {achievement.key: achievement.title for achievement in ACHIEVEMENTS}


def game_type(key: str) -> GameType | None:
    return GAME_TYPES.get(key)


def newly_earned(stats: Counts, result: Result, game: GameType) -> list[Achievement]:
    """Achievements this result earns that the player doesn't hold yet."""
    held = stats.achievement_keys
    return [a for a in ACHIEVEMENTS if a.key not in held and a.earned(stats, result, game)]
