"""Writes about Discord users and guilds, and game results with their achievements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from gamestats import games, guild_settings, rules
from gamestats.models import CommandLog, DiscordUser, Game, GameStats, Guild, GuildMember
from quillium_site.errors import ServiceError


class Blacklisted(ServiceError):
    """A blacklisted user or guild asked for something; the message says who and why."""

    status = 403
    code = "blacklisted"

    def __init__(self, who: str, reason: str) -> None:
        if reason:
            super().__init__(_("%(who)s is blacklisted: %(reason)s") % {"who": who, "reason": reason})
        else:
            super().__init__(_("%(who)s is blacklisted.") % {"who": who})


def ensure_user(discord_id: str, username: str = "", *, seen_at: datetime | None = None) -> DiscordUser:
    """The user with this Discord id, created on first sight; refuses blacklisted users."""
    user, created = DiscordUser.objects.get_or_create(discord_id=discord_id, defaults={"username": username})
    if user.is_blacklisted:
        raise Blacklisted(_("User %(discord_id)s") % {"discord_id": discord_id}, user.blacklist_reason)
    if not created and ((username and username != user.username) or seen_at):
        changes: dict[str, Any] = {"username": username or user.username, "updated_at": timezone.now()}
        if seen_at:
            changes["last_seen_at"] = Greatest(F("last_seen_at"), seen_at)
        DiscordUser.objects.filter(pk=user.pk).update(**changes)
    return user


def ensure_guild(discord_id: str, name: str = "") -> Guild:
    """The guild with this Discord id, created on first sight; refuses blacklisted guilds."""
    guild, created = Guild.objects.get_or_create(discord_id=discord_id, defaults={"name": name})
    if guild.is_blacklisted:
        raise Blacklisted(_("Guild %(discord_id)s") % {"discord_id": discord_id}, guild.blacklist_reason)
    if not created and name and name != guild.name:
        Guild.objects.filter(pk=guild.pk).update(name=name, updated_at=timezone.now())
    return guild


@dataclass(frozen=True)
class GameOutcome:
    stats: GameStats
    unlocked: list[rules.Achievement]


@transaction.atomic
def game_record(
    *,
    user_id: str,
    game_type: str,
    won: bool,
    score: int,
    playtime_seconds: int,
    username: str = "",
    guild_id: str | None = None,
    played_at: datetime | None = None,
) -> GameOutcome:
    """Count one finished game. The player's row is locked while it is updated, so concurrent results for the
    same player and game are counted one after another and each achievement is unlocked exactly once."""
    game = games.game(game_type)
    if game is None:
        known = ", ".join(known_game.key for known_game in games.known())
        raise ValidationError(
            {
                "game_type": _("Unknown game %(game_type)s; known: %(known)s.")
                % {"game_type": repr(game_type), "known": known}
            }
        )
    if error := game.score_error(score):
        raise ValidationError({"score": error})
    played_at = played_at or timezone.now()
    ensure_user(user_id, username, seen_at=played_at)
    if guild_id:
        ensure_guild(guild_id)
        GuildMember.objects.get_or_create(guild_id=guild_id, user_id=user_id, defaults={"first_seen_at": played_at})  # type: ignore[misc]  # to_field FK: compared by Discord id
    GameStats.objects.get_or_create(user_id=user_id, game_type=game_type)  # type: ignore[misc]  # to_field FK: compared by Discord id
    stats = GameStats.objects.select_for_update().get(user_id=user_id, game_type=game_type)  # type: ignore[misc]  # to_field FK: compared by Discord id
    result = rules.Result(won=won, score=score, playtime_seconds=playtime_seconds)
    _count(stats, result, played_at)
    unlocked = rules.newly_earned(stats, result, game)
    stats.achievements = [
        *stats.achievements,
        *({"key": a.key, "unlocked_at": played_at.isoformat()} for a in unlocked),
    ]
    stats.save()
    return GameOutcome(stats, unlocked)


def _count(stats: GameStats, result: rules.Result, played_at: datetime) -> None:
    first = stats.games_played == 0
    stats.games_played += 1
    stats.games_won += result.won
    stats.games_lost += not result.won
    stats.best_score = result.score if first else max(stats.best_score, result.score)
    stats.worst_score = result.score if first else min(stats.worst_score, result.score)
    stats.total_score += result.score
    stats.average_score = (Decimal(stats.total_score) / stats.games_played).quantize(Decimal("0.01"), ROUND_HALF_UP)
    stats.total_playtime_seconds += result.playtime_seconds
    stats.current_streak = stats.current_streak + 1 if result.won else 0
    stats.best_streak = max(stats.best_streak, stats.current_streak)
    stats.last_played_at = max(filter(None, [stats.last_played_at, played_at]))


def game_save(game: Game) -> Game:
    """Register a game or change its rules (staff: admin or API); counts already made stay as they are."""
    game.full_clean()
    game.save()
    return game


# -- moderation and guild settings ---------------------------------------------------------------------------


def set_blacklisted(targets: QuerySet[DiscordUser] | QuerySet[Guild], blacklisted: bool, reason: str = "") -> int:
    """Blacklist users or guilds (the reason is what the bot tells them), or lift it (the reason goes too)."""
    return targets.update(
        is_blacklisted=blacklisted,
        blacklist_reason=reason.strip()[:200] if blacklisted else "",
        updated_at=timezone.now(),
    )


USER_EDITABLE = {"is_whitelisted", "is_blacklisted", "blacklist_reason"}
GUILD_EDITABLE = {"name", "owner_id", "member_count", "is_blacklisted", "blacklist_reason", "settings", "left_at"}


def _moderated_update(target: DiscordUser | Guild, editable: set[str], changes: dict[str, Any]) -> None:
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    if "settings" in changes:
        changes["settings"] = guild_settings.clean(changes["settings"])
    for field, value in changes.items():
        setattr(target, field, value)
    # The reason is what the bot tells a blacklisted user or guild; it means nothing once the blacklist is lifted.
    target.blacklist_reason = target.blacklist_reason.strip()[:200] if target.is_blacklisted else ""
    target.full_clean(validate_unique=False, validate_constraints=False)
    target.save(update_fields=[*changes, "blacklist_reason", "updated_at"])


def discord_user_update(user: DiscordUser, **changes: Any) -> DiscordUser:
    """Staff changes to a Discord user: beta access and the blacklist (with its reason)."""
    _moderated_update(user, USER_EDITABLE, changes)
    return user


def guild_update(guild: Guild, **changes: Any) -> Guild:
    """Staff changes to a guild: its details, the blacklist, and its bot settings (checked against the schema)."""
    _moderated_update(guild, GUILD_EDITABLE, changes)
    return guild


@transaction.atomic
def guild_report(
    discord_id: str,
    *,
    event: str = "update",
    at: datetime | None = None,
    **details: Any,
) -> Guild:
    """What the bot says of a guild (the seed's guild fields): its name, owner and member count, and that the bot
    joined it (`event="joined"`: joined_at, left_at cleared) or left it (`"left"`: left_at). A blacklisted guild
    is reported on too: this is what the bot sees, not something it asks for."""
    at = at or timezone.now()
    guild, created = Guild.objects.get_or_create(discord_id=discord_id, defaults={"joined_at": at})
    guild = Guild.objects.select_for_update().get(pk=guild.pk)
    fields = {name: value for name, value in details.items() if name in GUILD_REPORTED and value is not None}
    for name, value in fields.items():
        setattr(guild, name, value)
    if event == "joined":
        guild.joined_at, guild.left_at = at, None
    elif event == "left":
        guild.left_at = at
    guild.full_clean(exclude=["settings"])
    guild.save()
    return guild


GUILD_REPORTED = {"name", "owner_id", "member_count"}


def set_whitelisted(users: QuerySet[DiscordUser], whitelisted: bool) -> int:
    """Give or take beta access."""
    return users.update(is_whitelisted=whitelisted, updated_at=timezone.now())


def guild_settings_update(guild: Guild, settings: Any) -> Guild:
    """Replace a guild's bot settings after checking them against the schema (see `guild_settings`)."""
    guild.settings = guild_settings.clean(settings)
    guild.save(update_fields=["settings", "updated_at"])
    return guild


# -- housekeeping ---------------------------------------------------------------------------------------------


def command_logs_prune(before: datetime, *, batch_size: int = 10_000) -> Iterator[tuple[int, int]]:
    """Delete command logs from before `before`, `batch_size` rows per statement so no lock is held long;
    yields (deleted, total) after each batch. Users' command totals are kept."""
    old = CommandLog.objects.filter(executed_at__lt=before)
    total = old.count()
    deleted = 0
    while ids := list(old.order_by("id").values_list("id", flat=True)[:batch_size]):
        deleted += CommandLog.objects.filter(id__in=ids).delete()[0]
        yield deleted, total
