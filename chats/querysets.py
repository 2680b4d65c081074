"""Chainable, side-effect-free filters for chats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from accounts.models import User


class ChatQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ChatQuerySet:
        """Chats are private: only their owner ever sees them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def search(self, text: str) -> ChatQuerySet:
        """Chats whose title or any message contains `text` (case-insensitive)."""
        from chats.models import Message

        text = text.strip()
        if not text:
            return self
        in_messages = Message.objects.filter(chat=OuterRef("pk"), content__icontains=text)
        return self.filter(Q(title__icontains=text) | Exists(in_messages))


class FolderQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> FolderQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)
