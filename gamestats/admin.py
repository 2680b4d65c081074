"""Admin for the bot's data: find any Discord user by id or name and see their games, quotas and commands."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy, ngettext_lazy

from gamestats import services
from gamestats.models import ApiUsage, CommandLog, DiscordUser, Game, GameStats, Guild, GuildMember
from quillium_site.admin_mixins import ServiceRulesAdmin


class GameStatsInline(admin.TabularInline):
    model = GameStats
    readonly_fields = ("game_type", "games_played", "games_won", "games_lost", "best_score", "average_score",
                       "current_streak", "best_streak", "achievements", "last_played_at")  # fmt: skip
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # counted from game results only


class ApiUsageInline(admin.TabularInline):
    model = ApiUsage
    readonly_fields = ("api_name", "daily_usage_count", "daily_reset_date", "usage_count", "success_count",
                       "error_count", "last_used_at")  # fmt: skip  # counted by gamestats.quotas only
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# What each moderation action is called, and what it says it did (with the count, in the reader's plural forms).
MODERATIONS = {
    ("is_blacklisted", True): (
        gettext_lazy("Blacklist the selected"),
        ngettext_lazy("%(count)s blacklisted.", "%(count)s blacklisted.", "count"),
    ),
    ("is_blacklisted", False): (
        gettext_lazy("Take the selected off the blacklist"),
        ngettext_lazy("%(count)s taken off the blacklist.", "%(count)s taken off the blacklist.", "count"),
    ),
    ("is_whitelisted", True): (
        gettext_lazy("Give the selected beta access"),
        ngettext_lazy("%(count)s given beta access.", "%(count)s given beta access.", "count"),
    ),
    ("is_whitelisted", False): (
        gettext_lazy("Take beta access from the selected"),
        ngettext_lazy("%(count)s taken off beta access.", "%(count)s taken off beta access.", "count"),
    ),
}


def _moderate(field: str, value: bool):
    change = services.set_blacklisted if field == "is_blacklisted" else services.set_whitelisted
    description, done = MODERATIONS[field, value]

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        count = change(queryset, value)
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)

    action.__name__ = f"{'set' if value else 'clear'}_{field}"
    return admin.action(description=description)(action)


def _save_through(update: Any, editable: set[str], obj: DiscordUser | Guild, form: Any) -> None:
    """Admin edits are applied by the service on the stored row, as the API's PATCH is."""
    stored = type(obj).objects.get(pk=obj.pk)
    update(stored, **{field: form.cleaned_data[field] for field in form.changed_data if field in editable})
    obj.refresh_from_db()


@admin.register(DiscordUser)
class DiscordUserAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["discord_id", "username", "total_commands_used", "is_whitelisted", "is_blacklisted",
                    "last_seen_at"]  # fmt: skip
    list_filter = ["is_blacklisted", "is_whitelisted", "last_seen_at"]
    search_fields = ["=discord_id", "username"]
    readonly_fields = ["discord_id", "username", "total_commands_used", "first_seen_at", "last_seen_at",
                       "created_at", "updated_at", "recent_commands"]  # fmt: skip
    inlines = [GameStatsInline, ApiUsageInline]
    actions = [
        _moderate("is_blacklisted", True),
        _moderate("is_blacklisted", False),
        _moderate("is_whitelisted", True),
        _moderate("is_whitelisted", False),
    ]

    def save_model(self, request: HttpRequest, obj: DiscordUser, form: Any, change: bool) -> None:
        _save_through(services.discord_user_update, services.USER_EDITABLE, obj, form)

    @admin.display(description=gettext_lazy("Recent commands"))
    def recent_commands(self, user: DiscordUser) -> SafeString:
        logs = user.commands.select_related("guild").order_by("-executed_at")[:20]
        return render_to_string("gamestats/admin_recent_commands.html", {"logs": logs})


@admin.register(Guild)
class GuildAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["discord_id", "name", "member_count", "is_blacklisted", "joined_at", "left_at"]
    list_filter = ["is_blacklisted", "joined_at"]
    search_fields = ["=discord_id", "name", "=owner_id"]
    readonly_fields = ["discord_id", "joined_at", "created_at", "updated_at"]
    actions = [
        _moderate("is_blacklisted", True),
        _moderate("is_blacklisted", False),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # guilds arrive with the bot's reports

    def save_model(self, request: HttpRequest, obj: Guild, form: Any, change: bool) -> None:
        _save_through(services.guild_update, services.GUILD_EDITABLE, obj, form)


@admin.register(Game)
class GameAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    """The games the bot plays and their rules; a game it reports that isn't here plays by plain rules."""

    list_display = ["label", "key", "max_score", "negative_scores", "updated_at"]
    list_filter = ["negative_scores"]
    search_fields = ["key", "label"]

    def get_readonly_fields(self, request: HttpRequest, obj: Game | None = None) -> list[str]:
        return ["key"] if obj else []  # counts are kept under the key

    def save_model(self, request: HttpRequest, obj: Game, form: Any, change: bool) -> None:
        services.game_save(obj)


@admin.register(GameStats)
class GameStatsAdmin(admin.ModelAdmin):
    list_display = ["user", "game_type", "games_played", "games_won", "games_lost", "best_score", "average_score",
                    "best_streak", "last_played_at"]  # fmt: skip
    list_filter = ["game_type"]
    search_fields = ["=user__discord_id", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in GameStats._meta.fields]


@admin.register(ApiUsage)
class ApiUsageAdmin(admin.ModelAdmin):
    list_display = ["user", "api_name", "daily_usage_count", "daily_reset_date", "usage_count", "success_count",
                    "error_count", "last_used_at"]  # fmt: skip
    list_filter = ["api_name", "daily_reset_date"]
    search_fields = ["=user__discord_id", "user__username", "api_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "api_name", "usage_count", "success_count", "error_count", "last_used_at",
                       "created_at", "updated_at"]  # fmt: skip


@admin.register(CommandLog)
class CommandLogAdmin(admin.ModelAdmin):
    list_display = ["executed_at", "command_name", "user", "guild", "success", "execution_time_ms"]
    list_filter = ["success", "command_name", "executed_at"]
    search_fields = ["=user__discord_id", "user__username", "=guild__discord_id", "command_name"]
    list_select_related = ["user", "guild"]
    # No date_hierarchy: it reads every log for the months it offers (0.3 s at a million); the executed_at filter
    # (today, past 7 days, this month, this year) costs nothing.
    show_full_result_count = False  # counting millions of logs on every page isn't worth it
    readonly_fields = [f.name for f in CommandLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the audit trail comes from the bot


@admin.register(GuildMember)
class GuildMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "guild", "first_seen_at"]
    search_fields = ["=user__discord_id", "user__username", "=guild__discord_id", "guild__name"]
    list_select_related = ["user", "guild"]
    readonly_fields = ["user", "guild", "first_seen_at"]
