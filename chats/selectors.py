"""Reads for the chat pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from ai.models import AIConfig
from chats.models import Chat

if TYPE_CHECKING:
    from accounts.models import User


def chat_list(user: User, *, search: str = "") -> QuerySet[Chat]:
    """The user's chats for the list page: pinned first, then most recent, with message counts."""
    return (
        Chat.objects.visible_to(user)
        .search(search)
        .select_related("folder")
        .annotate(message_count=Count("messages"))
        .order_by(*(Chat._meta.ordering or ()))
    )


def chat_provider_ready() -> bool:
    """Is a chat provider configured at all (the page explains how when not)."""
    return AIConfig.objects.filter(key=AIConfig.Key.CHAT).exists()
