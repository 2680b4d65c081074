"""Game stats are operators' data: staff, and service accounts holding `gamestats.ingest` (the bot's key)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

BOT_OR_STAFF = (
    "Game stats are for staff and the bot's service account; give the account the "
    "'Can send bot data and read game stats' permission."
)


class IsBotOrStaff(permissions.BasePermission):
    message = BOT_OR_STAFF

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.has_perm("gamestats.ingest")))


class StaffChangesOnly(permissions.BasePermission):
    """The bot reads users and guilds; changing them (moderation, settings) is for staff."""

    message = "Only staff can change Discord users and guilds."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_staff)
