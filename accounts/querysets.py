"""Managers and querysets of the accounts models: reads with no side effects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class UserManager(BaseUserManager["User"]):
    """Email-keyed users; creation goes through `accounts.services.user_create`."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        from accounts.services import user_create

        return user_create(email=email, password=password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        from accounts.models import Role
        from accounts.services import user_create

        fields.pop("is_staff", None)
        fields.pop("is_superuser", None)
        return user_create(email=email, password=password, role=Role.ADMIN, is_superuser=True, **fields)


class ApiKeyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ApiKeyQuerySet:
        """Keys of this user only: nobody sees another person's keys."""
        return self.filter(user=user)

    def usable(self) -> ApiKeyQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
