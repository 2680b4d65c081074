"""Managers and querysets of the accounts models: reads with no side effects."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.fields.reverse_related import OneToOneRel
from django.utils import timezone

from quillium_site.compiled import CompiledRows

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

    def get_for_request(self, pk: int) -> User | None:
        """`for_request().get(pk=pk)`, or None, from SQL compiled once (quillium_site.compiled): every request
        loads its user, and compiling this query took more CPU than PostgreSQL took to answer it."""
        rows = _REQUEST_USER.rows(user=pk)
        return _request_user(rows[0]) if rows else None

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

    Written as SQL because every API-key request compiles it (`ApiKeyQuerySet.with_request_user`; the JWT and session
    user's query is compiled once, see `UserManager.get_for_request`): the ORM's Exists(...) took a third of a
    millisecond of CPU to compile each time, more than PostgreSQL takes to answer it."""
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


@functools.cache
def _request_columns() -> tuple[list[str], list[tuple[OneToOneRel, list[str]]]]:
    """The user's columns, then each of USER_RELATED_FOR_REQUESTS's (reverse one-to-ones) with its columns."""
    from accounts.models import User

    related = []
    for name in settings.USER_RELATED_FOR_REQUESTS:
        relation = User._meta.get_field(name)
        if not isinstance(relation, OneToOneRel):
            raise ImproperlyConfigured(f"USER_RELATED_FOR_REQUESTS: {name} is not a one-to-one row of the user")
        related.append((relation, [field.attname for field in relation.related_model._meta.concrete_fields]))
    return [field.attname for field in User._meta.concrete_fields], related


def _request_rows(user: int) -> models.QuerySet[User, tuple[Any, ...]]:
    from accounts.models import User

    columns, related = _request_columns()
    joined = [f"{relation.name}__{column}" for relation, names in related for column in names]
    return User.objects.for_request().filter(pk=user).values_list(*columns, *joined, "guest_flag")


_REQUEST_USER = CompiledRows(_request_rows, "user")


def _request_user(row: tuple[Any, ...]) -> User:
    """The user of a `_request_rows` row with its one-to-one rows cached, as select_related leaves them (None
    where the row is missing, so reading it raises DoesNotExist without a query)."""
    from accounts.models import User

    columns, related = _request_columns()
    user = User.from_db(DEFAULT_DB_ALIAS, columns, row[: len(columns)])
    start = len(columns)
    for relation, names in related:
        values = row[start : start + len(names)]
        start += len(names)
        missing = values[names.index(relation.related_model._meta.pk.attname)] is None  # LEFT JOIN found none
        other = None if missing else relation.related_model.from_db(DEFAULT_DB_ALIAS, names, values)
        relation.set_cached_value(user, other)
        if other is not None:
            relation.field.set_cached_value(other, user)
    user.__dict__["guest_flag"] = row[start]
    return user


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
