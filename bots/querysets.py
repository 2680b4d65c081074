"""Chainable, side-effect-free filters for bots and their replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User
    from bots.models import Bot, BotReply  # noqa: F401 - named in the QuerySet["…"] generics


class BotQuerySet(models.QuerySet["Bot"]):
    def visible_to(self, user: User) -> Self:
        """A user's own bots, not deleted; nobody sees another's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user, is_deleted=False)


class ReplyQuerySet(models.QuerySet["BotReply"]):
    def visible_to(self, user: User) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)
