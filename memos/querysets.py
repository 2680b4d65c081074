"""Chainable, side-effect-free filters for memos and diaries."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from memos.models import Diary, Memo  # noqa: F401 - named in the QuerySet["…"] generics


SHARED = ("household", "public")


class MemoQuerySet(models.QuerySet["Memo"]):
    def visible_to(self, user: User) -> Self:
        """Memos are private: only their owner sees them, whatever their state."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def readable_by(self, user: User | AnonymousUser) -> Self:
        """What `user` may read: their own memos, and others' shared ones (household: anyone signed in; public:
        anyone), never from the trash. Writing, sync, search and the bots keep to `visible_to`."""
        if not user.is_authenticated:
            return self.filter(visibility="public", is_deleted=False)
        return self.filter(models.Q(owner=user) | models.Q(visibility__in=SHARED, is_deleted=False))

    def shared(self) -> Self:
        """Everyone's household and public memos, not archived or trashed: the Explore page."""
        return self.filter(visibility__in=SHARED, is_deleted=False, is_archived=False)

    def active(self) -> Self:
        """Not in the trash and not archived: the timeline."""
        return self.filter(is_deleted=False, is_archived=False)

    def archived(self) -> Self:
        return self.filter(is_deleted=False, is_archived=True)

    def trashed(self) -> Self:
        return self.filter(is_deleted=True)

    def tagged(self, tag: str) -> Self:
        return self.filter(tags__contains=[tag.strip().lstrip("#").casefold()])

    def created_between(self, start: date | None, end: date | None) -> Self:
        """Memos created on days from `start` to `end` inclusive (either may be open)."""
        memos = self
        if start:
            memos = memos.filter(created_at__date__gte=start)
        if end:
            memos = memos.filter(created_at__date__lte=end)
        return memos


class DiaryQuerySet(models.QuerySet["Diary"]):
    def visible_to(self, user: User) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)
