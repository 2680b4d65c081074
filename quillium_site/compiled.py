"""Querysets compiled to SQL once per process, for the reads on the path of every request.

Django compiles a queryset to SQL each time it runs it. For the signed-in user (every request) and for the chat
with its conversation (every reply) that took longer than PostgreSQL took to answer: ~0.45 ms and ~1 ms of CPU
against ~0.3 and ~0.2 ms for the query itself (bench/README.md). `CompiledRows` keeps the SQL of such a query and
runs it again with new keys; the rows are those of the queryset's `values_list`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

# Stand-ins for the keys while the query is compiled: found again among the compiled parameters by value, so
# they must be values no real key or fixed parameter takes (keys are positive; these are far below zero).
_STAND_IN_BASE = -(2**62)


class CompiledRows:
    """The rows of `build(**keys)`, a `values_list` queryset, from SQL compiled on first use.

    `build` must turn each key it is given into a query parameter as it is (integer keys, compared with `=`),
    and must not vary its query with the keys' values: the SQL is compiled once, with stand-ins for them.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *keys: str) -> None:
        self._build, self._keys = build, keys
        self._compiled: tuple[str, str, list[Any], list[tuple[int, str]]] | None = None
        self._lock = threading.Lock()

    def rows(self, **keys: int) -> list[tuple[Any, ...]]:
        if set(keys) != set(self._keys):
            raise TypeError(f"expected the keys {sorted(self._keys)}, got {sorted(keys)}")
        for name, value in keys.items():
            if type(value) is not int:
                raise TypeError(f"the key {name} must be an int, not {type(value).__name__}")
        using, sql, params, slots = self._compiled or self._compile()
        values = list(params)
        for index, name in slots:
            values[index] = keys[name]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchall()

    def _compile(self) -> tuple[str, str, list[Any], list[tuple[int, str]]]:
        with self._lock:
            if self._compiled is None:
                stand_ins = {_STAND_IN_BASE - n: name for n, name in enumerate(self._keys)}
                queryset = self._build(**{name: value for value, name in stand_ins.items()})
                try:
                    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
                except EmptyResultSet:
                    raise ImproperlyConfigured("a compiled query must not be empty whatever its keys") from None
                slots = [
                    (index, stand_ins[value]) for index, value in enumerate(params) if _is_stand_in(value, stand_ins)
                ]
                missing = set(self._keys) - {name for _index, name in slots}
                if missing:
                    raise ImproperlyConfigured(f"the keys {sorted(missing)} are not parameters of the query")
                self._compiled = (queryset.db, sql, list(params), slots)
            return self._compiled


def _is_stand_in(value: Any, stand_ins: dict[int, str]) -> bool:
    return type(value) is int and value in stand_ins
