"""The site's own rows in the admin: processes' heartbeats, read-only (the processes write them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from quillium_site.admin_mixins import ReadOnlyAdmin
from quillium_site.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["role", "name", "seen_at", "started_at"]
    list_filter = ["role"]
    search_fields = ["name"]
    ordering = ["role", "-seen_at"]
    readonly_fields = ["role", "name", "started_at", "seen_at", "details"]

    def has_delete_permission(self, request: HttpRequest, obj: Heartbeat | None = None) -> bool:
        return True  # a process gone for good can be forgotten sooner than the day after which it is anyway
