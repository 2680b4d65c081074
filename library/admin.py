"""Admin for the library: roots, works (staff edits are kept by rescans), reviews and scans."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from library import metadata, scanner, services
from library.models import (
    Bookmark,
    Circle,
    Favourite,
    ListenerSettings,
    Playback,
    Playlist,
    PlaylistItem,
    Review,
    Root,
    Scan,
    Tag,
    Track,
    VoiceActor,
    Work,
)
from quillium_site.admin_mixins import ReadOnlyAdmin, ServiceRulesAdmin


@admin.register(Root)
class RootAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["name", "path", "created_at"]

    def save_model(self, request: HttpRequest, obj: Root, form: Any, change: bool) -> None:
        services.root_save(obj)


class TrackInline(admin.TabularInline):
    model = Track
    readonly_fields = ("sort_order", "path", "title", "duration_seconds", "mime_type", "size", "lyrics")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # found by the scan


@admin.register(Work)
class WorkAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "circle", "release", "dl_count", "price", "rate_average_2dp", "nsfw", "available"]
    list_filter = ["available", "nsfw", "root", "release"]
    search_fields = ["code", "title", "circle__name", "tags__name", "vas__name"]
    list_select_related = ["circle", "root"]
    autocomplete_fields = ["tags", "vas"]
    readonly_fields = ("code", "root", "dir", "available", "edited_fields", "folder_mtime_ns", "folder_size",
                       "scanned_at", "created_at", "updated_at")  # fmt: skip
    inlines = [TrackInline]
    actions = ["refresh_from_store"]

    @admin.action(description=gettext_lazy("Refresh store metadata (keeps staff edits)"))
    def refresh_from_store(self, request: HttpRequest, queryset: QuerySet[Work]) -> None:
        store = metadata.source_from_settings()
        if store is None:
            self.message_user(request, _("Store metadata is off: set LIBRARY_METADATA_URL."), messages.WARNING)
            return
        refreshed, errors = scanner.refresh_from_store(list(queryset.select_related("root")), store)
        self.message_user(
            request,
            ngettext(
                "%(refreshed)s work refreshed from the store.",
                "%(refreshed)s works refreshed from the store.",
                refreshed,
            )
            % {"refreshed": refreshed},
            messages.SUCCESS,
        )
        for error in errors[:10]:
            self.message_user(request, error, messages.ERROR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # works come from the scan

    def save_model(self, request: HttpRequest, obj: Work, form: Any, change: bool) -> None:
        editable = services.STAFF_EDITABLE - {"tags", "vas"}
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in editable}
        if changes:
            services.work_edit(Work.objects.get(pk=obj.pk), **changes)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        related = {field: form.cleaned_data[field] for field in ("tags", "vas") if field in form.changed_data}
        if related:
            services.work_edit(form.instance, **related)
        for formset in formsets:
            self.save_formset(request, form, formset, change)


@admin.register(Circle, Tag)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(VoiceActor)
class VoiceActorAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    """Added and renamed through services, which key each actor by the UUID v5 of their name."""

    search_fields = ["name"]
    list_display = ["name", "work_count", "id"]
    readonly_fields = ["id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VoiceActor]:
        return super().get_queryset(request).annotate(work_total=Count("works"))

    @admin.display(description=gettext_lazy("Works"), ordering="work_total")
    def work_count(self, actor: VoiceActor) -> int:
        return actor.work_total  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: VoiceActor, form: Any, change: bool) -> None:
        if change:
            saved = services.voice_actor_rename(VoiceActor.objects.get(pk=obj.pk), obj.name)
        else:
            saved = services.voice_actor_create(obj.name)
        obj.pk, obj.name = saved.pk, saved.name  # the admin's redirect and log follow the actor's new id

    def response_change(self, request: HttpRequest, obj: VoiceActor) -> HttpResponse:
        response = super().response_change(request, obj)
        if "_continue" in request.POST:  # Django goes back to the address it came from: the actor's old id
            return HttpResponseRedirect(reverse("admin:library_voiceactor_change", args=[obj.pk]))
        return response


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["work", "user", "rating", "progress", "updated_at"]
    list_filter = ["progress", "rating"]
    search_fields = ["work__code", "work__title", "user__email"]
    list_select_related = ["work", "user"]

    def has_change_permission(self, request: HttpRequest, obj: Review | None = None) -> bool:
        return False  # each person's own


@admin.register(Playback)
class PlaybackAdmin(admin.ModelAdmin):
    list_display = ["work", "user", "track", "position_seconds", "updated_at"]
    search_fields = ["work__code", "work__title", "user__email"]
    list_select_related = ["work", "user", "track"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the player writes these

    def has_change_permission(self, request: HttpRequest, obj: Playback | None = None) -> bool:
        return False


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["started_at", "status", "dry_run", "progress", "added", "changed", "unchanged", "missing",
                    "restored", "requested_by"]  # fmt: skip
    list_filter = ["status", "dry_run"]
    list_select_related = ["requested_by"]

    @admin.display(description=gettext_lazy("Progress"))
    def progress(self, scan: Scan) -> str:
        return f"{scan.percent}% ({scan.folders_done}/{scan.folders_total})"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Scan | None = None) -> bool:
        return False


@admin.register(Track)
class TrackAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Audio files as the scan found them (also inline on their work)."""

    list_display = ["title", "work", "duration_seconds", "mime_type", "size"]
    list_filter = ["mime_type"]
    search_fields = ["title", "path", "work__code", "work__title"]
    list_select_related = ["work"]


@admin.register(ListenerSettings)
class ListenerSettingsAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each person's own listening choices (whether nsfw works show), read-only here."""

    list_display = ["user", "show_nsfw"]
    list_filter = ["show_nsfw"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


class PlaylistItemInline(ReadOnlyAdmin, admin.TabularInline):
    model = PlaylistItem
    fields = ["position", "track", "added_at"]
    readonly_fields = ["position", "track", "added_at"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each person's playlists, read-only here: their owners arrange them on the library pages and the API."""

    list_display = ["name", "owner", "tracks", "updated_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    inlines = [PlaylistItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Playlist]:
        return super().get_queryset(request).annotate(track_count=Count("items"))

    @admin.display(description=gettext_lazy("tracks"), ordering="track_count")
    def tracks(self, obj: Playlist) -> int:
        return obj.track_count  # type: ignore[attr-defined]


@admin.register(Favourite)
class FavouriteAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Which works each person keeps as favourites."""

    list_display = ["work", "user", "created_at"]
    search_fields = ["work__code", "work__title", "user__email"]
    list_select_related = ["work", "user"]
    date_hierarchy = "created_at"


@admin.register(PlaylistItem)
class PlaylistItemAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The tracks of playlists, in order (also inline on their playlist)."""

    list_display = ["playlist", "position", "track", "added_at"]
    search_fields = ["playlist__name", "track__title", "playlist__owner__email"]
    list_select_related = ["playlist", "track"]


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Places in tracks people keep, with their notes; they make and delete them from the player and the API."""

    list_display = ["track", "position_seconds", "user", "note", "created_at"]
    search_fields = ["track__title", "track__work__code", "user__email", "note"]
    list_select_related = ["track", "user"]
    date_hierarchy = "created_at"
