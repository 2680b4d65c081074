"""Shapes of the game stats API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from gamestats import guild_settings, quotas
from gamestats.models import GAME_KEY, ApiUsage, CommandLog, DiscordUser, Game, GameStats, Guild
from gamestats.snowflakes import validate_snowflake


def snowflake(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=20, validators=[validate_snowflake], **kwargs)


class GameResultInput(serializers.Serializer):
    user_id = snowflake()
    username = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    guild_id = snowflake(required=False, allow_null=True, default=None)
    game_type = serializers.CharField(
        max_length=50,
        validators=[GAME_KEY],
        help_text=gettext_lazy(
            "A game of games/types/, or any other (counted with no rules unless the site refuses them)."
        ),
    )
    won = serializers.BooleanField()
    score = serializers.IntegerField(
        min_value=-(2**31), max_value=2**31 - 1, help_text=gettext_lazy("Within the game's rules (see games/types/).")
    )
    playtime_seconds = serializers.IntegerField(min_value=0, max_value=86_400, default=0)
    played_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AchievementSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class GameStatsSerializer(serializers.ModelSerializer):
    win_rate = serializers.FloatField(read_only=True)

    class Meta:
        model = GameStats
        fields = ["game_type", "games_played", "games_won", "games_lost", "win_rate", "best_score", "worst_score",
                  "average_score", "total_playtime_seconds", "current_streak", "best_streak", "achievements",
                  "last_played_at"]  # fmt: skip
        read_only_fields = fields


class GameOutcomeSerializer(serializers.Serializer):
    stats = GameStatsSerializer()
    unlocked = AchievementSerializer(
        many=True, help_text=gettext_lazy("Achievements this game unlocked (each only ever once).")
    )


class GameTypeSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field; shadows Field.label
    max_score = serializers.IntegerField(allow_null=True)
    negative_scores = serializers.BooleanField()
    achievements = serializers.ListField(child=serializers.CharField(), allow_null=True)


class GameInput(serializers.ModelSerializer):
    """A game staff register or change (its key can't change once games were counted under it)."""

    class Meta:
        model = Game
        fields = ["key", "label", "max_score", "negative_scores", "achievements"]


class GameCatalogSerializer(serializers.Serializer):
    games = GameTypeSerializer(many=True)
    achievements = AchievementSerializer(many=True)


class ConsumeInput(serializers.Serializer):
    user_id = snowflake()
    api_name = serializers.CharField(
        max_length=50, validators=[RegexValidator(r"^[a-z0-9][a-z0-9_.-]*$", "Lower-case letters, digits, _ . -")]
    )
    endpoint = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    guild_id = snowflake(required=False, allow_null=True, default=None)


class DecisionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    limit = serializers.IntegerField(help_text=gettext_lazy("Uses a day."))
    used = serializers.IntegerField(help_text=gettext_lazy("Uses today, this one included when allowed."))
    remaining = serializers.IntegerField()
    resets_at = serializers.DateTimeField(help_text=gettext_lazy("Midnight in the game stats timezone."))


class OutcomeInput(serializers.Serializer):
    user_id = snowflake()
    api_name = serializers.CharField(max_length=50)
    success = serializers.BooleanField()


class ApiUsageSerializer(serializers.ModelSerializer):
    limit = serializers.SerializerMethodField()
    used_today = serializers.SerializerMethodField()

    class Meta:
        model = ApiUsage
        fields = ["api_name", "endpoint", "usage_count", "success_count", "error_count", "last_used_at", "limit",
                  "used_today", "daily_reset_date"]  # fmt: skip
        read_only_fields = fields

    def get_limit(self, usage: ApiUsage) -> int:
        return quotas.daily_limit(usage.api_name)

    def get_used_today(self, usage: ApiUsage) -> int:
        return usage.used_on(self.context["today"])


class CommandLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommandLog
        fields = ["id", "user", "guild", "command_name", "command_args", "execution_time_ms", "success",
                  "error_message", "ip_address", "user_agent", "executed_at"]  # fmt: skip
        read_only_fields = fields


class DiscordUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscordUser
        fields = ["discord_id", "username", "is_whitelisted", "is_blacklisted", "blacklist_reason",
                  "total_commands_used", "first_seen_at", "last_seen_at"]  # fmt: skip
        read_only_fields = ["discord_id", "username", "total_commands_used", "first_seen_at", "last_seen_at"]


class DiscordUserDetailSerializer(DiscordUserSerializer):
    game_stats = GameStatsSerializer(many=True, read_only=True)
    api_usage = ApiUsageSerializer(many=True, read_only=True)
    recent_commands = CommandLogSerializer(many=True, read_only=True, help_text=gettext_lazy("The latest 20."))

    class Meta(DiscordUserSerializer.Meta):
        fields = [*DiscordUserSerializer.Meta.fields, "game_stats", "api_usage", "recent_commands"]


class GuildSerializer(serializers.ModelSerializer):
    members_seen = serializers.IntegerField(read_only=True)

    class Meta:
        model = Guild
        fields = ["discord_id", "name", "owner_id", "member_count", "members_seen", "is_blacklisted",
                  "blacklist_reason", "settings", "joined_at", "left_at"]  # fmt: skip
        read_only_fields = ["discord_id", "joined_at"]

    def validate_settings(self, value: Any) -> dict[str, Any]:
        try:
            return guild_settings.clean(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class GuildReportInput(serializers.Serializer):
    """What the bot knows of a guild: send whatever changed; `event` says it joined or left it."""

    event = serializers.ChoiceField(choices=["update", "joined", "left"], default="update")
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("When; default now.")
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner_id = snowflake(required=False)
    member_count = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)


class LeaderboardEntrySerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField()
    user_id = serializers.CharField()
    username = serializers.CharField(source="user.username")
    win_rate = serializers.FloatField()

    class Meta:
        model = GameStats
        fields = ["rank", "user_id", "username", "games_played", "games_won", "games_lost", "win_rate",
                  "best_score", "average_score", "current_streak", "best_streak"]  # fmt: skip
        read_only_fields = fields


class IngestedSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    users = serializers.IntegerField()
    guilds = serializers.IntegerField()
    new_users = serializers.IntegerField()
    new_guilds = serializers.IntegerField()


class CommandEventDoc(serializers.Serializer):
    """The shape of one command event, for the API schema; `ingest.CommandEvent` is what validates it."""

    user_id = snowflake()
    username = serializers.CharField(max_length=100, required=False)
    guild_id = snowflake(required=False, allow_null=True, help_text=gettext_lazy("Absent for direct messages."))
    guild_name = serializers.CharField(max_length=100, required=False)
    command = serializers.CharField(max_length=100)
    args = serializers.DictField(required=False, help_text=gettext_lazy("At most 4 KB of JSON."))
    execution_time_ms = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    success = serializers.BooleanField(default=True)
    error_message = serializers.CharField(max_length=4000, required=False)
    ip_address = serializers.IPAddressField(required=False, allow_null=True)
    user_agent = serializers.CharField(max_length=500, required=False)
    executed_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("With a timezone; defaults to now."))


class CommandBatchDoc(serializers.Serializer):
    events = CommandEventDoc(
        many=True, help_text=gettext_lazy("1 to 1,000 events (or send one event object on its own).")
    )
