"""Admin for memos: memos with their history inline, diaries by user and date, attachments, and where each
synced device of a user has got to."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from memos.models import Diary, Memo, MemoRevision, Resource, SyncCursor, SyncHorizon, SyncTombstone


class RevisionInline(admin.TabularInline):
    model = MemoRevision
    fields = ["revision_number", "content", "tags", "is_deleted", "created_at", "user"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-revision_number"]

    def has_add_permission(self, request: HttpRequest, obj: Memo | None = None) -> bool:
        return False  # history is written by the app only


@admin.register(Memo)
class MemoAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "tags", "pinned", "is_archived", "is_deleted", "revision_count", "created_at"]
    list_filter = ["pinned", "is_archived", "is_deleted", "created_at"]
    search_fields = ["content", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    date_hierarchy = "created_at"
    readonly_fields = ["owner", "content", "tags", "revision_count", "deleted_at", "created_at", "updated_at"]
    fields = ["owner", "content", "tags", "pinned", "is_archived", "is_deleted", "deleted_at", "diary_date",
              "revision_count", "created_at", "updated_at"]  # fmt: skip
    inlines = [RevisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # memos are written by their owners, through the pages or the API


@admin.register(Diary)
class DiaryAdmin(admin.ModelAdmin):
    list_display = ["date", "owner", "mood_key", "mood_score", "generation_source", "auto_generation_locked"]
    list_filter = ["generation_source", "auto_generation_locked", "mood_key", "is_deleted"]
    search_fields = ["owner__email", "summary"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    date_hierarchy = "date"


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["filename", "owner", "memo", "resource_type", "mime_type", "file_size", "is_deleted", "created_at"]
    list_filter = ["resource_type", "storage_type", "is_deleted", "created_at"]
    search_fields = ["filename", "owner__email", "mime_type"]
    list_select_related = ["owner", "memo"]
    raw_id_fields = ["owner", "memo"]
    readonly_fields = ["owner", "memo", "filename", "resource_type", "mime_type", "file_size", "storage_type", "file",
                       "metadata", "created_at", "updated_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads go through the API or pages, where their type is checked


@admin.register(SyncCursor)
class SyncCursorAdmin(admin.ModelAdmin):
    """Deleting a device's cursors makes its next pull without a cursor start over from the beginning."""

    list_display = ["client_id", "user", "entity_type", "last_seq", "last_sync_at", "created_at"]
    list_filter = ["entity_type", "last_sync_at"]
    search_fields = ["client_id", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "client_id", "entity_type", "last_seq", "last_sync_at", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SyncTombstone)
class SyncTombstoneAdmin(admin.ModelAdmin):
    list_display = ["entity_type", "entity_id", "owner", "change_seq", "deleted_at"]
    list_filter = ["entity_type", "deleted_at"]
    search_fields = ["entity_id", "owner__email"]
    list_select_related = ["owner"]
    date_hierarchy = "deleted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SyncTombstone | None = None) -> bool:
        return False  # written by the database when something is deleted for good


@admin.register(SyncHorizon)
class SyncHorizonAdmin(admin.ModelAdmin):
    """How far each user's tombstones were pruned (`manage.py prune_sync_tombstones`)."""

    list_display = ["user", "pruned_through", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "pruned_through", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
