"""Admin for bots: who has which companions, what they answered, and how the nightly diaries went."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bots import services
from bots.models import AIDiaryJob, Bot, BotReply, BotReplyResource, DiaryPreference
from quillium_site.admin_mixins import ReadOnlyAdmin, ServiceRulesAdmin


@admin.register(Bot)
class BotAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "owner",
        "tags",
        "auto_reply",
        "ai_config",
        "model",
        "sort_order",
        "is_deleted",
        "created_at",
    ]
    list_filter = ["auto_reply", "is_deleted", "ai_config"]
    search_fields = ["name", "owner__email", "description"]
    list_select_related = ["owner", "ai_config"]
    readonly_fields = ("owner", "avatar", "sort_order", "is_deleted", "created_at", "updated_at")
    fields = ("owner", "name", "description", "tags", "auto_reply", "avatar_url", "avatar", "ai_config", "model",
              "sort_order", "is_deleted", "created_at", "updated_at")  # fmt: skip

    actions = ["restore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bots are made by their owners

    @admin.action(description=gettext_lazy("Restore the selected deleted bots"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Bot]) -> None:
        restored = 0
        for bot in queryset.filter(is_deleted=True).select_related("owner"):
            try:
                services.bot_restore(bot)
            except ValidationError as refused:
                self.message_user(
                    request,
                    _("%(name)s: %(reasons)s") % {"name": bot.name, "reasons": " ".join(refused.messages)},
                    messages.ERROR,
                )
            else:
                restored += 1
        self.message_user(
            request,
            ngettext("%(restored)s bot restored.", "%(restored)s bots restored.", restored) % {"restored": restored},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: Bot, form: Any, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in services.EDITABLE}
        services.bot_update(Bot.objects.get(pk=obj.pk), **changes)
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Bot) -> None:
        services.bot_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Bot]) -> None:
        for bot in queryset:
            services.bot_delete(bot)


@admin.register(BotReply)
class BotReplyAdmin(admin.ModelAdmin):
    """Read-only but for regenerating: replies are written by the bots."""

    list_display = ["bot", "owner", "memo", "status", "model", "prompt_tokens", "completion_tokens", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["content", "user_question", "owner__email", "bot__name"]
    list_select_related = ["bot", "owner"]
    date_hierarchy = "created_at"
    actions = ["regenerate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BotReply | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Write the selected replies again"))
    def regenerate(self, request: HttpRequest, queryset: QuerySet[BotReply]) -> None:
        done = 0
        for reply in queryset.exclude(status__in=[BotReply.Status.PENDING, BotReply.Status.RUNNING]):
            services.reply_regenerate(reply)
            done += 1
        self.message_user(
            request,
            ngettext("%(done)s reply queued again.", "%(done)s replies queued again.", done) % {"done": done},
            messages.SUCCESS,
        )


@admin.register(AIDiaryJob)
class AIDiaryJobAdmin(admin.ModelAdmin):
    list_display = ["target_date", "owner", "status", "outcome", "attempts", "run_after", "updated_at"]
    list_filter = ["status", "target_date"]
    search_fields = ["owner__email", "last_error", "outcome"]
    list_select_related = ["owner"]
    date_hierarchy = "target_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AIDiaryJob | None = None) -> bool:
        return False


@admin.register(BotReplyResource)
class BotReplyResourceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Which of a memo's attachments a reply cited (written with the reply)."""

    list_display = ["reply", "resource", "sort_order", "created_at"]
    search_fields = ["reply__owner__email", "resource__filename"]
    list_select_related = ["reply__bot", "resource"]


@admin.register(DiaryPreference)
class DiaryPreferenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Who asked for a nightly AI diary: each person's own choice (settings page or API), so read-only here."""

    list_display = ["user", "enabled", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
