"""Admin for memos: memos with their history inline, diaries by user and date, attachments, and where each
synced device of a user has got to."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.principals import signed_in
from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.models import (
    Diary,
    Memo,
    MemoEmbedding,
    MemoLink,
    MemoPreference,
    MemoRevision,
    Resource,
    SyncCursor,
    SyncHorizon,
    SyncTombstone,
)
from memos.notes import services
from quillium_site.admin_mixins import ReadOnlyAdmin, ServiceRulesAdmin


class RevisionInline(admin.TabularInline):
    model = MemoRevision
    readonly_fields = ("revision_number", "content", "tags", "is_deleted", "created_at", "user")
    fields = readonly_fields
    extra = 0
    can_delete = False
    ordering = ["-revision_number"]

    def has_add_permission(self, request: HttpRequest, obj: Memo | None = None) -> bool:
        return False  # history is written by the app only


@admin.register(Memo)
class MemoAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = [
        "title", "owner", "tags", "visibility", "pinned", "is_archived", "is_deleted", "revision_count", "created_at"
    ]  # fmt: skip
    list_filter = ["visibility", "pinned", "is_archived", "is_deleted", "created_at"]
    search_fields = ["content", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    date_hierarchy = "created_at"
    readonly_fields = ["owner", "content", "tags", "revision_count", "deleted_at", "created_at", "updated_at"]
    fields = ["owner", "content", "tags", "visibility", "pinned", "is_archived", "is_deleted", "deleted_at",
              "diary_date", "revision_count", "created_at", "updated_at"]  # fmt: skip
    inlines = [RevisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # memos are written by their owners, through the pages or the API

    def save_model(self, request: HttpRequest, obj: Memo, form: Any, change: bool) -> None:
        """Flags through `memo_update`, the trash through `memo_trash`/`memo_restore` (revision, deleted_at, the
        scheduled purge), each recorded as done by the staff member."""
        memo = Memo.objects.get(pk=obj.pk)
        # visibility too: staff can take a memo out of public view (a revision records who did)
        flags = {name: form.cleaned_data[name] for name in ("visibility", "pinned", "is_archived", "diary_date")}
        flags = {name: value for name, value in flags.items() if name in form.changed_data}
        if flags:
            memo = services.memo_update(memo, user=signed_in(request), base_revision=None, **flags)
        if "is_deleted" in form.changed_data:
            move = services.memo_trash if form.cleaned_data["is_deleted"] else services.memo_restore
            move(memo, user=signed_in(request))
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Memo) -> None:
        services.memo_delete_for_good(obj, user=signed_in(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Memo]) -> None:
        for memo in queryset:
            services.memo_delete_for_good(memo, user=signed_in(request))


@admin.register(Diary)
class DiaryAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["date", "owner", "mood_key", "mood_score", "generation_source", "auto_generation_locked"]
    list_filter = ["generation_source", "auto_generation_locked", "mood_key", "is_deleted"]
    search_fields = ["owner__email", "summary"]
    list_select_related = ["owner"]
    date_hierarchy = "date"
    fields = ["owner", "date", "summary", "mood_key", "mood_score", "generation_source", "auto_generation_locked",
              "is_deleted", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = ["owner", "date", "generation_source", "auto_generation_locked", "is_deleted", "created_at",
                       "updated_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # diaries are written by their owners (or generated for them)

    def save_model(self, request: HttpRequest, obj: Diary, form: Any, change: bool) -> None:
        diary_services.diary_write(
            owner=obj.owner,
            day=obj.date,
            summary=form.cleaned_data["summary"],
            mood_key=form.cleaned_data["mood_key"],
            mood_score=form.cleaned_data["mood_score"],
        )

    def delete_model(self, request: HttpRequest, obj: Diary) -> None:
        diary_services.diary_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Diary]) -> None:
        for diary in queryset:
            diary_services.diary_delete(diary)


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

    def delete_model(self, request: HttpRequest, obj: Resource) -> None:
        file_services.resource_delete(obj)  # the file goes too

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        for resource in queryset:
            file_services.resource_delete(resource)


@admin.register(MemoLink)
class MemoLinkAdmin(admin.ModelAdmin):
    """Read-only: links are what memos' texts say, kept by memos.notes.links on every write."""

    list_display = ["source", "target"]
    search_fields = ["source__content", "target__content", "source__owner__email"]
    list_select_related = ["source", "target"]
    readonly_fields = ("source", "target")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MemoLink | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MemoLink | None = None) -> bool:
        return False


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


@admin.register(MemoRevision)
class MemoRevisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every memo's history (also inline on the memo); written by memos.notes.services only."""

    list_display = ["memo", "revision_number", "user", "is_deleted", "created_at"]
    list_filter = ["is_deleted", "created_at"]
    search_fields = ["content", "memo__owner__email"]
    list_select_related = ["memo", "user"]
    date_hierarchy = "created_at"


@admin.register(MemoEmbedding)
class MemoEmbeddingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Which memos have a vector, from which model: `manage.py reembed` and the sweep write them."""

    list_display = ["memo", "owner", "provider", "model", "dimensions", "updated_at"]
    list_filter = ["provider", "model", "dimensions"]
    search_fields = ["owner__email", "source_text"]
    list_select_related = ["memo", "owner"]
    exclude = ["embedding"]  # 384+ numbers nobody reads


@admin.register(MemoPreference)
class MemoPreferenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Who asked for revision summaries: each person's own choice (settings page or API), so read-only here."""

    list_display = ["user", "revision_summaries", "updated_at"]
    list_filter = ["revision_summaries"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
