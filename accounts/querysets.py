"""Managers and querysets of the accounts models: reads with no side effects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import ApiKey, User  # noqa: F401 - ApiKey is named in the QuerySet["…"] generic


class UserManager(BaseUserManager["User"]):
    """Email-keyed users; creation goes through `accounts.services.user_create`."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def for_request(self) -> models.QuerySet[User]:
        """Users with what nearly every request reads, in one query: their settings, the one-to-one rows other
        apps name in USER_RELATED_FOR_REQUESTS, and whether they are a guest."""
        return self.select_related(*settings.USER_RELATED_FOR_REQUESTS).annotate(
            guest_flag=guest_exists(f"{connection.ops.quote_name(self.model._meta.db_table)}.id")
        )

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


def guest_exists(user_column: str) -> RawSQL:
    """Whether the user in `user_column` (a column of the outer query's own table) is a guest.

    Written as SQL because every authenticated request asks: the ORM's Exists(...) took a third of a millisecond of
    CPU to compile each time, more than PostgreSQL takes to answer it."""
    from django.contrib.auth.models import Group

    from accounts.models import Role, User

    through = User.groups.through._meta
    quote = connection.ops.quote_name
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {quote(through.db_table)} ug JOIN {quote(Group._meta.db_table)} g"
        f" ON g.id = ug.group_id WHERE ug.user_id = {user_column} AND g.name = %s)",
        (Role.GUEST.value,),
        output_field=models.BooleanField(),
    )


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def visible_to(self, user: User) -> Self:
        """Keys of this user only: nobody sees another person's keys."""
        return self.filter(user=user)

    def with_request_user(self) -> Self:
        """Keys with their user loaded as `User.objects.for_request()` would (see there)."""
        related = ["user", *(f"user__{name}" for name in settings.USER_RELATED_FOR_REQUESTS)]
        return self.select_related(*related).annotate(
            user_guest_flag=guest_exists(f"{connection.ops.quote_name(self.model._meta.db_table)}.user_id")
        )

    def usable(self) -> Self:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
