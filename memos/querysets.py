"""Chainable, side-effect-free filters for memos and diaries."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


class MemoQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MemoQuerySet:
        """Memos are private: only their owner sees them, whatever their state."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def active(self) -> MemoQuerySet:
        """Not in the trash and not archived: the timeline."""
        return self.filter(is_deleted=False, is_archived=False)

    def archived(self) -> MemoQuerySet:
        return self.filter(is_deleted=False, is_archived=True)

    def trashed(self) -> MemoQuerySet:
        return self.filter(is_deleted=True)

    def tagged(self, tag: str) -> MemoQuerySet:
        return self.filter(tags__contains=[tag.strip().lstrip("#").casefold()])

    def created_between(self, start: date | None, end: date | None) -> MemoQuerySet:
        """Memos created on days from `start` to `end` inclusive (either may be open)."""
        memos = self
        if start:
            memos = memos.filter(created_at__date__gte=start)
        if end:
            memos = memos.filter(created_at__date__lte=end)
        return memos


class DiaryQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DiaryQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)
