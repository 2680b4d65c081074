"""Multi-device sync of memos, revisions, attachments and diaries.

Every write gives its row the next number of the owner's change sequence (see `sync_triggers`); deletions for
good leave a tombstone with a number of its own. A device pulls "everything after N" in pages, each page read
from one snapshot, and gets back the number to ask from next. Sending that number back is how a device says it
has stored the page, so a pull whose answer never arrived is simply asked again.

Pushed changes are applied one by one, each in its own transaction: a memo change applies only if it was based
on the memo's current revision number, a diary change only if it was based on the diary's current sequence
number; otherwise the answer is a conflict carrying the server's version, and nothing is overwritten.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from memos import sync_triggers
from memos.diaries import services as diary_services
from memos.models import Diary, Memo, MemoRevision, Resource, SyncCursor, SyncEntity, SyncHorizon, SyncTombstone
from memos.notes import services, tags
from quillium_site.errors import ServiceError

if TYPE_CHECKING:
    from accounts.models import User

ENTITY_TYPES: tuple[str, ...] = tuple(SyncEntity.values)
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
MAX_PUSH = 500


class ResyncRequired(ServiceError):
    """The cursor is older than the tombstones kept: the device must drop its copy and pull from cursor 0."""

    status = 410
    code = "resync_required"


@dataclass(frozen=True)
class Change:
    """One row as it is now (`obj`), or its tombstone (`obj` is None)."""

    entity_type: str
    entity_id: str
    seq: int
    obj: Memo | MemoRevision | Resource | Diary | None

    @property
    def deleted(self) -> bool:
        return self.obj is None


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: int
    has_more: bool


def _rows(entity_type: str, user: User) -> QuerySet:
    if entity_type == SyncEntity.MEMO:
        return Memo.objects.filter(owner=user)
    if entity_type == SyncEntity.REVISION:
        return MemoRevision.objects.filter(memo__owner=user)
    if entity_type == SyncEntity.RESOURCE:
        return Resource.objects.filter(owner=user)
    return Diary.objects.filter(owner=user)


def _dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


def device_id(entity_type: str, obj: Any) -> str:
    """The id a device knows a row by: a diary is known by its date (one per day), the rest by their UUID."""
    return obj.date.isoformat() if entity_type == SyncEntity.DIARY else str(obj.pk)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view for all the reads of a page. Without it, a change committed between reading two
    tables could be skipped by the cursor of the page."""
    nested = connection.in_atomic_block
    with transaction.atomic():
        if not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def stored_cursor(user: User, client_id: str, entity_types: Sequence[str]) -> int:
    """Where this device confirmed it got to; for several kinds, the earliest of them."""
    stored = dict(
        SyncCursor.objects.filter(user=user, client_id=client_id, entity_type__in=entity_types).values_list(
            "entity_type", "last_seq"
        )
    )
    return min(stored.get(kind, 0) for kind in entity_types)


def acknowledge(user: User, client_id: str, entity_types: Sequence[str], cursor: int) -> None:
    """Record that the device holds every change of these kinds up to `cursor`."""
    now = timezone.now()
    SyncCursor.objects.bulk_create(
        [
            SyncCursor(user=user, client_id=client_id, entity_type=kind, last_seq=cursor, last_sync_at=now)
            for kind in entity_types
        ],
        update_conflicts=True,
        unique_fields=["user", "client_id", "entity_type"],
        update_fields=["last_seq", "last_sync_at", "updated_at"],
    )


def devices(user: User) -> list[dict[str, Any]]:
    """The user's devices that have synced, latest first: `client_id`, `last_sync_at`, `position` (the earliest
    of its cursors)."""
    return _dicts(
        SyncCursor.objects.filter(user=user)
        .values("client_id")
        .annotate(last_sync_at=Max("last_sync_at"), position=Min("last_seq"))
        .order_by("-last_sync_at", "client_id")
    )


def forget(user: User, client_id: str) -> int:
    """Drop a device's stored position: its next pull without a cursor starts from the beginning."""
    return SyncCursor.objects.filter(user=user, client_id=client_id).delete()[0]


def seen(user: User, client_id: str) -> None:
    """Note that the device synced just now (for the list of devices), without moving its cursors."""
    SyncCursor.objects.filter(user=user, client_id=client_id).update(last_sync_at=timezone.now())


def pull(
    user: User,
    client_id: str,
    *,
    entity_types: Sequence[str] = ENTITY_TYPES,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
    remember: bool = True,
) -> Page:
    """The next page of the user's changes after `cursor` (or after the device's stored cursor), oldest first.

    Passing `cursor` also stores it as acknowledged, unless `remember` is off (read-only principals: guests and
    read-only API keys sync but leave no device record). The page's own cursor is the number of its last change;
    `has_more` says whether to ask again right away.
    """
    if cursor is None:
        since = stored_cursor(user, client_id, entity_types)
    else:
        if remember:
            acknowledge(user, client_id, entity_types, cursor)
        since = cursor
    horizon = SyncHorizon.objects.filter(user=user).values_list("pruned_through", flat=True).first()
    if horizon is not None and 0 < since < horizon:
        raise ResyncRequired(
            _(
                "This device last synced before change %(horizon)s, and what was deleted since then is no longer "
                "recorded: drop the local copy and pull again from cursor 0."
            )
            % {"horizon": horizon}
        )
    changes: list[Change] = []
    with _snapshot():
        for kind in entity_types:
            rows = _rows(kind, user).filter(change_seq__gt=since).order_by("change_seq")[: limit + 1]
            changes += [Change(kind, device_id(kind, row), row.change_seq, row) for row in rows]
        tombstones = SyncTombstone.objects.filter(
            owner=user, entity_type__in=entity_types, change_seq__gt=since
        ).order_by("change_seq")[: limit + 1]
        changes += [Change(t.entity_type, t.entity_id, t.change_seq, None) for t in tombstones]
    changes.sort(key=lambda change: change.seq)
    page = changes[:limit]
    return Page(page, page[-1].seq if page else since, len(changes) > limit)


# -- push ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The answer to one pushed change: `applied` (obj is the result), `conflict` (obj is the server's version,
    None when it was deleted for good) or `invalid` (errors says why)."""

    entity_type: str
    entity_id: str
    status: str
    obj: Memo | Diary | None = None
    message: str = ""
    errors: dict[str, Any] = field(default_factory=dict)
    index: int = 0


def apply(user: User, item: dict[str, Any]) -> Outcome:
    """Apply one validated change of a memo or a diary, in its own transaction, and say how it went."""
    try:
        with transaction.atomic():
            sync_triggers.lock_owner(user.pk)
            if item["type"] == SyncEntity.MEMO:
                return _push_memo(user, item)
            return _push_diary(user, item)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        return Outcome(item["type"], item_id(item), "invalid", errors=errors)


def item_id(item: dict[str, Any]) -> str:
    """The id a pushed change names, as a device would (see `device_id`)."""
    if item.get("type") == SyncEntity.DIARY:
        day = item.get("date")
        return day.isoformat() if isinstance(day, date) else str(day or "")
    return str(item.get("id") or "")


def _conflict(kind: str, entity_id: str, current: Memo | Diary | None, why: str) -> Outcome:
    return Outcome(kind, entity_id, "conflict", current, message=why)


GONE_FOR_GOOD = "This memo was deleted for good on the server."
# Only reachable by reusing an id already in use (ids are 122 random bits), never by two devices by chance.
ID_UNAVAILABLE = "This id can't be used for a new memo; create it again with a fresh id."


def _push_memo(user: User, item: dict[str, Any]) -> Outcome:
    memo_id: uuid.UUID = item["id"]
    base = item.get("base_revision") or 0
    memo = Memo.objects.select_for_update().filter(pk=memo_id).first()
    taken = memo is not None and memo.owner_id != user.pk
    if taken:
        memo = None  # another user's memo is answered as if there were none, up to the create it can't allow
    if memo is None:
        if base:
            return _conflict("memo", str(memo_id), None, GONE_FOR_GOOD)
        if "content" not in item:
            raise ValidationError({"content": _("A new memo needs its content.")})
        if taken:
            return _conflict("memo", str(memo_id), None, ID_UNAVAILABLE)
        memo = services.memo_create(
            owner=user,
            content=item["content"],
            tags_given=item.get("tags", ()),
            pinned=item.get("pinned", False),
            diary_date=item.get("diary_date"),
            memo_id=memo_id,
        )
        base = memo.revision_count
        item = {name: value for name, value in item.items() if name in ("is_archived", "is_deleted")}
    elif _memo_matches(memo, item):
        return Outcome("memo", str(memo_id), "applied", memo)
    elif base != memo.revision_count:
        return _conflict(
            "memo",
            str(memo_id),
            memo,
            f"Changed on the server since revision {base} (now revision {memo.revision_count}).",
        )
    flags = {name: item[name] for name in ("pinned", "is_archived", "diary_date") if name in item}
    if "content" in item or "tags" in item or flags:
        memo = services.memo_update(
            memo, user=user, base_revision=base, content=item.get("content"), tags_given=item.get("tags"), **flags
        )
    if item.get("is_deleted") is True:
        memo = services.memo_trash(memo, user=user)
    elif item.get("is_deleted") is False:
        memo = services.memo_restore(memo, user=user)
    memo.refresh_from_db()
    return Outcome("memo", str(memo_id), "applied", memo)


def _memo_matches(memo: Memo, item: dict[str, Any]) -> bool:
    """Whether the server already holds what the change asks for (a push repeated after a lost answer)."""
    wanted: dict[str, Any] = {
        name: item[name] for name in ("pinned", "is_archived", "is_deleted", "diary_date") if name in item
    }
    if "content" in item:
        wanted["content"] = item["content"].strip()
    if "tags" in item:
        wanted["tags"] = tags.merge(item["tags"], wanted.get("content", memo.content))
    return all(getattr(memo, name) == value for name, value in wanted.items())


def _push_diary(user: User, item: dict[str, Any]) -> Outcome:
    day: date = item["date"]
    diary = Diary.objects.select_for_update().filter(owner=user, date=day).first()
    key = day.isoformat()
    if diary is not None and _diary_matches(diary, item):
        return Outcome("diary", key, "applied", diary)
    base = item.get("base_seq")
    if diary is None and base:
        return _conflict("diary", key, None, "This diary was deleted for good on the server.")
    if diary is not None and base != diary.change_seq:
        return _conflict("diary", key, diary, "This day's diary changed on the server since you last synced it.")
    if item.get("is_deleted"):
        if diary is not None:
            diary_services.diary_delete(diary)
    else:
        current = (
            {"summary": diary.summary, "mood_key": diary.mood_key, "mood_score": diary.mood_score} if diary else {}
        )
        fields = {name: item.get(name, current.get(name)) for name in ("summary", "mood_key", "mood_score")}
        diary_services.diary_write(
            owner=user,
            day=day,
            summary=fields["summary"] or "",
            mood_key=fields["mood_key"] or "",
            mood_score=fields["mood_score"],
        )
    return Outcome("diary", key, "applied", Diary.objects.filter(owner=user, date=day).first())


def _diary_matches(diary: Diary, item: dict[str, Any]) -> bool:
    wanted = {name: item[name] for name in ("summary", "mood_key", "mood_score", "is_deleted") if name in item}
    for name in ("summary", "mood_key"):
        if name in wanted:
            wanted[name] = wanted[name].strip()
    return all(getattr(diary, name) == value for name, value in wanted.items())
