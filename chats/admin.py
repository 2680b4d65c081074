"""Admin for chats: browse conversations by user, with message and token totals."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest

from chats.models import Chat, Folder, Message


class MessageInline(admin.TabularInline):
    model = Message
    fields = [
        "role",
        "status",
        "content",
        "model",
        "tokens",
        "prompt_tokens",
        "tokens_estimated",
        "error",
        "created_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Chat | None = None) -> bool:
        return False


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "model", "pinned", "messages", "tokens", "updated_at"]
    list_filter = ["pinned", "title_source", "updated_at"]
    search_fields = ["title", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "folder"]
    date_hierarchy = "updated_at"
    inlines = [MessageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chat]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                message_total=Count("messages"), token_total=Sum("messages__tokens") + Sum("messages__prompt_tokens")
            )
        )

    @admin.display(description="messages", ordering="message_total")
    def messages(self, obj: Chat) -> int:
        return obj.message_total

    @admin.display(description="tokens", ordering="token_total")
    def tokens(self, obj: Chat) -> int:
        return obj.token_total or 0


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "chat", "role", "status", "model", "tokens", "prompt_tokens", "created_at"]
    list_filter = ["role", "status", "tokens_estimated", "created_at"]
    search_fields = ["content", "chat__title", "chat__owner__email"]
    list_select_related = ["chat"]
    raw_id_fields = ["chat"]
    date_hierarchy = "created_at"


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
