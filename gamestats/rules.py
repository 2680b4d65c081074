"""The rules of games and the achievements they unlock: every rule about game results lives here (which games
exist is data: gamestats.models.Game, read through gamestats.games)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The names of the games the bot shipped with (gamestats migration 0002). Shown in the reader's language while a
# game keeps its built-in label; a label staff typed is theirs and shown as typed.
BUILT_IN_LABELS = frozenset(
    {
        gettext_noop("Wordle"),
        gettext_noop("Trivia"),
        gettext_noop("Hangman"),
        gettext_noop("Tic-tac-toe"),
        gettext_noop("Rock paper scissors"),
        gettext_noop("Connect Four"),
        gettext_noop("Blackjack"),
        gettext_noop("Typing race"),
    }
)


def display_label(label: str) -> str:
    """A game's label in the active language (built-in names only; see BUILT_IN_LABELS)."""
    return gettext(label) if label in BUILT_IN_LABELS else label


class Counts(Protocol):
    """What an achievement looks at: a player's GameStats row (a protocol, as models imports this module)."""

    games_played: int
    games_won: int
    current_streak: int

    @property
    def achievement_keys(self) -> set[str]: ...


@dataclass(frozen=True)
class GameType:
    """A game's rules: scores from 0 (or below, if it has negative scores) up to its max_score (if any), and which
    achievements it unlocks (None: all that can apply). Staff register games in the admin or the API
    (gamestats.models.Game); a game nobody registered plays by PLAIN rules unless a site setting refuses it."""

    key: str
    label: str
    max_score: int | None = None  # a perfect game scores this much
    negative_scores: bool = False
    achievements: frozenset[str] | None = None

    @property
    def display_label(self) -> str:
        return display_label(self.label)

    def score_error(self, score: int) -> str | None:
        names = {"game": self.display_label, "max": self.max_score, "score": score}
        if score < 0 and not self.negative_scores:
            if self.max_score is not None:
                return gettext("A %(game)s score runs from 0 to %(max)s; got %(score)s.") % names
            return gettext("A %(game)s score can't be negative; got %(score)s.") % names
        if self.max_score is not None and score > self.max_score:
            if self.negative_scores:
                return gettext("A %(game)s score runs up to %(max)s; got %(score)s.") % names
            return gettext("A %(game)s score runs from 0 to %(max)s; got %(score)s.") % names
        return None

    def unlocks(self, achievement: Achievement) -> bool:
        return self.achievements is None or achievement.key in self.achievements


def plain(key: str) -> GameType:
    """An unregistered game: any score, negative too; the achievements that don't need a maximum."""
    return GameType(key, key, None, True, None)


@dataclass(frozen=True)
class Result:
    won: bool
    score: int
    playtime_seconds: int


@dataclass(frozen=True)
class Achievement:
    key: str
    title: StrOrPromise  # lazily translated: shown on pages and in the API in the reader's language
    description: StrOrPromise
    earned: Callable[[Counts, Result, GameType], bool]  # judged on the stats after the result is counted


ACHIEVEMENTS: tuple[Achievement, ...] = (
    Achievement("first_win", _("First win"), _("Won a game."), lambda stats, result, game: stats.games_won >= 1),
    Achievement("ten_wins", _("Ten wins"), _("Won 10 games."), lambda stats, result, game: stats.games_won >= 10),
    Achievement(
        "hundred_games", _("Regular"), _("Played 100 games."), lambda stats, result, game: stats.games_played >= 100
    ),
    Achievement(
        "perfect_score",
        _("Perfect"),
        _("Scored the most a game allows."),
        lambda stats, result, game: game.max_score is not None and result.score == game.max_score,
    ),
    Achievement(
        "five_in_a_row",
        _("On a roll"),
        _("Won 5 games in a row."),
        lambda stats, result, game: stats.current_streak >= 5,
    ),
)
ACHIEVEMENT_TITLES = {achievement.key: achievement.title for achievement in ACHIEVEMENTS}


def newly_earned(stats: Counts, result: Result, game: GameType) -> list[Achievement]:
    """Achievements this result earns that the player doesn't hold yet."""
    held = stats.achievement_keys
    return [a for a in ACHIEVEMENTS if a.key not in held and game.unlocks(a) and a.earned(stats, result, game)]
