"""Files stored during a transaction that rolls back are deleted with it: storage knows no transactions, and a
file whose Resource row was never committed would stay behind for good."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import default_storage
from django.db import transaction

_stored: ContextVar[list[str] | None] = ContextVar("memos_files_stored", default=None)


def remember(name: str) -> None:
    """Note a file just stored, for the enclosing `atomic_with_files` to delete should it roll back."""
    stored = _stored.get()
    if stored is not None:
        stored.append(name)


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """`transaction.atomic()` that also deletes the files stored inside it (see `remember`) if it rolls back.
    Nested, an inner block's files are handed to the outer one when the inner block succeeds."""
    outer = _stored.get()
    stored: list[str] = []
    token = _stored.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    finally:
        _stored.reset(token)
    if outer is not None:
        outer.extend(stored)
