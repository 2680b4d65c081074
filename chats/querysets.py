"""Chainable, side-effect-free filters for chats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from accounts.models import User
    from chats.models import Chat, Folder  # noqa: F401 - named in the QuerySet["…"] generics


class ChatQuerySet(models.QuerySet["Chat"]):
    def visible_to(self, user: User) -> Self:
        """Chats are private: only their owner ever sees them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def search(self, text: str) -> Self:
        """Chats whose title or any message contains `text` (case-insensitive)."""
        from chats.models import Message

        text = text.strip()
        if not text:
            return self
        in_messages = Message.objects.filter(chat=OuterRef("pk"), content__icontains=text)
        return self.filter(Q(title__icontains=text) | Exists(in_messages))


class FolderQuerySet(models.QuerySet["Folder"]):
    def visible_to(self, user: User) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)
