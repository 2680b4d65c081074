"""The Discord bot's data (UtilsBot+): users and guilds it has seen, game results, API quotas, command logs.

Users and guilds are referenced by their Discord id (`to_field="discord_id"`), as in the seed schema, so the bot
never needs our primary keys and ingest can write logs without looking ids up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gamestats import guild_settings
from gamestats.rules import ACHIEVEMENT_TITLES, ACHIEVEMENTS, GameType, display_label
from gamestats.snowflakes import validate_snowflake


def _discord_id(**kwargs: Any) -> models.CharField:
    return models.CharField(max_length=20, validators=[validate_snowflake], **kwargs)


class DiscordUser(models.Model):
    # Indexes here are few on purpose: every ingest batch updates hundreds of these rows, and with no indexed
    # column changing those updates stay HOT (no index writes).
    discord_id = _discord_id(unique=True, verbose_name=gettext_lazy("Discord id"))
    username = models.CharField(max_length=100, blank=True, verbose_name=gettext_lazy("username"))
    is_whitelisted = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Has beta access to the bot's new commands."),
        verbose_name=gettext_lazy("beta access"),
    )
    is_blacklisted = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Refused by the bot and by this API."),
        verbose_name=gettext_lazy("blacklisted"),
    )
    blacklist_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Told to the bot when it is refused."),
        verbose_name=gettext_lazy("blacklist reason"),
    )
    total_commands_used = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("total commands used"))
    first_seen_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("first seen at"))
    last_seen_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("last seen at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name_plural = gettext_lazy("Discord users")
        verbose_name = gettext_lazy("Discord user")
        ordering = ["-last_seen_at"]
        indexes = [GinIndex(OpClass(Upper("username"), name="gin_trgm_ops"), name="gamestats_user_name_trgm")]

    def __str__(self) -> str:
        return self.username or self.discord_id

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gamestats:player", args=[self.discord_id])


class Guild(models.Model):
    discord_id = _discord_id(unique=True, verbose_name=gettext_lazy("Discord id"))
    name = models.CharField(max_length=100, blank=True, verbose_name=gettext_lazy("name"))
    owner_id = _discord_id(
        blank=True, help_text=gettext_lazy("Discord id of the guild's owner."), verbose_name=gettext_lazy("owner id")
    )
    member_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("member count"))
    is_blacklisted = models.BooleanField(default=False, verbose_name=gettext_lazy("blacklisted"))
    blacklist_reason = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("blacklist reason"))
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("The bot's settings for this guild."),
        verbose_name=gettext_lazy("settings"),
    )
    joined_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("joined at"))
    left_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("left at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("guild")
        verbose_name_plural = gettext_lazy("guilds")
        ordering = ["name"]
        indexes = [GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="gamestats_guild_name_trgm")]

    def __str__(self) -> str:
        return self.name or self.discord_id

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gamestats:guild", args=[self.discord_id])

    def clean(self) -> None:
        try:
            guild_settings.clean(self.settings)
        except ValidationError as error:
            raise ValidationError({"settings": error.messages}) from None


class GuildMember(models.Model):
    """A user seen using the bot in a guild: who belongs on the guild's leaderboards. Only ever inserted (how
    much they use the bot there comes from the logs), so ingest adds members without rewriting rows."""

    guild = models.ForeignKey(Guild, to_field="discord_id", db_column="guild_discord_id", on_delete=models.CASCADE,
                              related_name="members", db_index=False, verbose_name=gettext_lazy("guild"))  # fmt: skip
    user = models.ForeignKey(DiscordUser, to_field="discord_id", db_column="user_discord_id", on_delete=models.CASCADE,
                             related_name="guilds", db_index=False, verbose_name=gettext_lazy("user"))  # fmt: skip
    first_seen_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("first seen at"))

    class Meta:
        verbose_name = gettext_lazy("guild member")
        verbose_name_plural = gettext_lazy("guild members")
        constraints = [models.UniqueConstraint(fields=["guild", "user"], name="gamestats_member_unique")]
        indexes = [models.Index(fields=["user"], name="gamestats_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.guild_id}"


GAME_KEY = RegexValidator(r"^[a-z0-9][a-z0-9_-]{0,49}$", "A game key is lower-case letters, digits, _ and -.")


def _all_achievements() -> list[str]:
    return [achievement.key for achievement in ACHIEVEMENTS]


def _check_achievements(value: Any) -> None:
    known = {achievement.key for achievement in ACHIEVEMENTS}
    if not isinstance(value, list) or not all(isinstance(key, str) and key in known for key in value):
        raise ValidationError(_("Achievements are a list of: %(choices)s.") % {"choices": ", ".join(sorted(known))})


class Game(models.Model):
    """A game the bot plays and its rules (UtilsBot+ `game_stats.game_type` is open: 'wordle', 'trivia', …).
    Games nobody registered are counted too, with no rules (see the `gamestats_unknown_games` site setting)."""

    key = models.CharField(max_length=50, unique=True, validators=[GAME_KEY], verbose_name=gettext_lazy("key"))
    label = models.CharField(max_length=100, verbose_name=gettext_lazy("label"))
    max_score = models.IntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("A perfect game scores this; empty: no limit."),
        verbose_name=gettext_lazy("max score"),
    )
    negative_scores = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Scores may go below 0 (penalties, golf)."),
        verbose_name=gettext_lazy("negative scores"),
    )
    achievements = models.JSONField(
        default=_all_achievements,
        blank=True,
        validators=[_check_achievements],
        help_text=gettext_lazy("Keys of the achievements this game unlocks."),
        verbose_name=gettext_lazy("achievements"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("game")
        verbose_name_plural = gettext_lazy("games")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return display_label(self.label)

    def clean(self) -> None:
        if self.max_score is not None and self.max_score < 0 and not self.negative_scores:
            raise ValidationError({"max_score": _("A game without negative scores needs a maximum of 0 or more.")})

    def rules(self) -> GameType:
        return GameType(self.key, self.label, self.max_score, self.negative_scores, frozenset(self.achievements))


class GameStats(models.Model):
    user = models.ForeignKey(DiscordUser, to_field="discord_id", db_column="user_discord_id", on_delete=models.CASCADE,
                             related_name="game_stats", db_index=False, verbose_name=gettext_lazy("user"))  # fmt: skip
    game_type = models.CharField(max_length=50, verbose_name=gettext_lazy("game type"))
    games_played = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("games played"))
    games_won = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("games won"))
    games_lost = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("games lost"))
    best_score = models.IntegerField(default=0, verbose_name=gettext_lazy("best score"))
    worst_score = models.IntegerField(default=0, verbose_name=gettext_lazy("worst score"))
    total_score = models.BigIntegerField(
        default=0,
        help_text=gettext_lazy("Sum of all scores; the average is exact from it."),
        verbose_name=gettext_lazy("total score"),
    )
    average_score = models.DecimalField(
        max_digits=9, decimal_places=2, default=0, verbose_name=gettext_lazy("average score")
    )
    total_playtime_seconds = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("total play time (s)"))
    achievements = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy('[{"key": ..., "unlocked_at": ...}]'),
        verbose_name=gettext_lazy("achievements"),
    )
    current_streak = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Wins in a row, up to the last game."),
        verbose_name=gettext_lazy("current streak"),
    )
    best_streak = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("best streak"))
    last_played_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("last played at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("game stats")
        verbose_name_plural = gettext_lazy("game stats")
        ordering = ["user", "game_type"]
        constraints = [models.UniqueConstraint(fields=["user", "game_type"], name="gamestats_stats_unique")]
        indexes = [
            models.Index(fields=["game_type", "-games_won"], name="gamestats_stats_wins"),
            models.Index(fields=["game_type", "-best_score"], name="gamestats_stats_best"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.game_type}"

    @property
    def win_rate(self) -> float:
        return self.games_won / self.games_played if self.games_played else 0.0

    @property
    def achievement_keys(self) -> set[str]:
        return {entry["key"] for entry in self.achievements}

    @property
    def achievements_unlocked(self) -> list[dict[str, str]]:
        """The achievements with their titles, in the order they were unlocked."""
        return [{**entry, "title": ACHIEVEMENT_TITLES.get(entry["key"], entry["key"])} for entry in self.achievements]


class ApiUsage(models.Model):
    user = models.ForeignKey(DiscordUser, to_field="discord_id", db_column="user_discord_id", on_delete=models.CASCADE,
                             related_name="api_usage", db_index=False, verbose_name=gettext_lazy("user"))  # fmt: skip
    api_name = models.CharField(max_length=50, verbose_name=gettext_lazy("API name"))
    endpoint = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("endpoint"))
    usage_count = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("usage count"))
    success_count = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("success count"))
    error_count = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("error count"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("last used at"))
    daily_usage_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("daily usage count"))
    daily_reset_date = models.DateField(
        default=timezone.localdate,
        help_text=gettext_lazy("The day daily_usage_count counts."),
        verbose_name=gettext_lazy("daily reset date"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("API usage")
        verbose_name_plural = gettext_lazy("API usage")
        ordering = ["user", "api_name"]
        constraints = [models.UniqueConstraint(fields=["user", "api_name"], name="gamestats_usage_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.api_name}"

    def used_on(self, day: date) -> int:
        """Units taken on `day` (the count belongs to `daily_reset_date` only)."""
        return self.daily_usage_count if self.daily_reset_date == day else 0


class CommandLog(models.Model):
    id = models.BigAutoField(primary_key=True)
    # No database foreign keys here: checking them costs a row lock on the user and guild for every log row and
    # halves ingest speed. Ingest creates the users and guilds in the same transaction before copying the logs
    # in, and deleting a user or guild goes through the ORM, which deletes or detaches their logs.
    user = models.ForeignKey(DiscordUser, to_field="discord_id", db_column="user_discord_id", on_delete=models.CASCADE,
                             related_name="commands", db_index=False, db_constraint=False,
                             verbose_name=gettext_lazy("user"))  # fmt: skip
    guild = models.ForeignKey(Guild, to_field="discord_id", db_column="guild_discord_id", on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="commands", db_index=False,
                              db_constraint=False, verbose_name=gettext_lazy("guild"))  # fmt: skip
    command_name = models.CharField(max_length=100, verbose_name=gettext_lazy("command name"))
    command_args = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("command args"))
    execution_time_ms = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("execution time (ms)")
    )
    success = models.BooleanField(default=True, verbose_name=gettext_lazy("success"))
    error_message = models.TextField(blank=True, verbose_name=gettext_lazy("error message"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=gettext_lazy("IP address"))
    user_agent = models.TextField(blank=True, verbose_name=gettext_lazy("user agent"))
    executed_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("executed at"))

    class Meta:
        verbose_name = gettext_lazy("command log")
        verbose_name_plural = gettext_lazy("command logs")
        ordering = ["-executed_at"]
        indexes = [
            models.Index(fields=["user", "-executed_at"], name="gamestats_log_user"),
            models.Index(fields=["guild", "-executed_at"], name="gamestats_log_guild"),
            # The seed's B-tree: the admin and the model order by it. A BRIN index (tried before) served date ranges
            # and ingest better but left the admin list sorting all rows (bench/command_log_index.py).
            models.Index(fields=["-executed_at"], name="gamestats_log_executed"),
        ]
        permissions = [("ingest", "Can send bot data and read game stats (service accounts)")]

    def __str__(self) -> str:
        return f"/{self.command_name} by {self.user_id}"
