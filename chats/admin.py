"""Admin for chats: browse conversations by user, with message and token totals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from chats import services
from chats.models import Chat, ChatFile, ChatShare, Folder, Message
from quillium_site.admin_mixins import ServiceRulesAdmin

CHAT_EDITABLE = ["title", "model", "system_prompt", "folder", "pinned"]


class MessageInline(admin.TabularInline):
    model = Message
    readonly_fields = (
        "role",
        "status",
        "content",
        "model",
        "tokens",
        "prompt_tokens",
        "tokens_estimated",
        "error",
        "created_at",
    )
    fields = readonly_fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Chat | None = None) -> bool:
        return False


@admin.register(Chat)
class ChatAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["title", "owner", "model", "pinned", "messages", "tokens", "updated_at"]
    list_filter = ["pinned", "title_source", "updated_at"]
    search_fields = ["title", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["folder"]
    date_hierarchy = "updated_at"
    inlines = [MessageInline]
    fields = ["owner", *CHAT_EDITABLE, "title_source", "created_at", "updated_at"]
    readonly_fields = ["owner", "title_source", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # chats are started by their owners

    def save_model(self, request: HttpRequest, obj: Chat, form: Any, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in CHAT_EDITABLE}
        services.chat_update(Chat.objects.get(pk=obj.pk), **changes)
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Chat) -> None:
        services.chat_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Chat]) -> None:
        for chat in queryset:
            services.chat_delete(chat)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chat]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                message_total=Count("messages"), token_total=Sum("messages__tokens") + Sum("messages__prompt_tokens")
            )
        )

    @admin.display(description=gettext_lazy("messages"), ordering="message_total")
    def messages(self, obj: Chat) -> int:
        return getattr(obj, "message_total", 0)  # annotated by get_queryset

    @admin.display(description=gettext_lazy("tokens"), ordering="token_total")
    def tokens(self, obj: Chat) -> int:
        return getattr(obj, "token_total", None) or 0


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: a conversation's messages are written by its owner and the model, through chats.services."""

    list_display = ["id", "chat", "role", "status", "model", "tokens", "prompt_tokens", "created_at"]
    list_filter = ["role", "status", "tokens_estimated", "created_at"]
    search_fields = ["content", "chat__title", "chat__owner__email"]
    list_select_related = ["chat"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(ChatFile)
class ChatFileAdmin(admin.ModelAdmin):
    """Read-only: files come from the message box and go with their chat (chats.services deletes the stored file)."""

    list_display = ["filename", "chat", "kind", "mime_type", "file_size", "truncated", "created_at"]
    list_filter = ["kind", "truncated", "created_at"]
    search_fields = ["filename", "chat__title", "chat__owner__email"]
    list_select_related = ["chat"]
    date_hierarchy = "created_at"
    exclude = ["text"]  # what the model reads: the owner's words, not for browsing

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChatFile | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChatFile | None = None) -> bool:
        return False


@admin.register(Folder)
class FolderAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    fields = ["owner", "name", "created_at"]
    readonly_fields = ["owner", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # folders are made by their owners

    def save_model(self, request: HttpRequest, obj: Folder, form: Any, change: bool) -> None:
        services.folder_rename(Folder.objects.get(pk=obj.pk), form.cleaned_data["name"])
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Folder) -> None:
        services.folder_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Folder]) -> None:
        for folder in queryset:
            services.folder_delete(folder)


@admin.register(ChatShare)
class ChatShareAdmin(admin.ModelAdmin):
    """Share links: staff see which conversations are readable by link and can end a link (the token itself is
    never stored, only its hash)."""

    list_display = ["title", "chat", "created_at", "revoked_at"]
    list_filter = ["revoked_at", "created_at"]
    search_fields = ["title", "chat__owner__email"]
    list_select_related = ["chat"]
    readonly_fields = ("chat", "title", "created_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChatShare | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke the selected links"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ChatShare]) -> None:
        for share in queryset:
            services.share_revoke(share)
