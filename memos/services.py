"""Every write to memos and diaries. History is append-only: each change of content, tags or trash state adds
a revision, and restoring an old revision adds another."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import site_settings
from memos import signals, tags
from memos.models import Diary, Memo, MemoRevision

if TYPE_CHECKING:
    from accounts.models import User

MAX_CONTENT_CHARS = 200_000


class StaleRevision(Exception):
    """An edit was based on an older revision than the memo's current one."""

    def __init__(self, memo: Memo) -> None:
        super().__init__(
            f"This memo changed since you opened it (now at revision {memo.revision_count}); "
            "reload it and apply your edit again."
        )
        self.memo = memo


def _clean_content(content: str) -> str:
    content = content.strip()
    if not content:
        raise ValidationError({"content": "A memo needs some text."})
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError({"content": f"Memos are limited to {MAX_CONTENT_CHARS:,} characters."})
    return content


def _record(memo: Memo, user: User) -> MemoRevision:
    revision = MemoRevision.objects.create(
        memo=memo,
        user=user,
        revision_number=memo.revision_count,
        content=memo.content,
        tags=memo.tags,
        is_deleted=memo.is_deleted,
    )
    transaction.on_commit(lambda: signals.memo_changed.send(sender=Memo, memo_id=memo.pk, user_id=user.pk))
    return revision


@transaction.atomic
def memo_create(
    *,
    owner: User,
    content: str,
    tags_given: list[str] | tuple[str, ...] = (),
    pinned: bool = False,
    diary_date: date | None = None,
) -> Memo:
    """Write a memo; its first revision is number 1."""
    content = _clean_content(content)
    memo = Memo.objects.create(
        owner=owner,
        content=content,
        tags=tags.merge(tags_given, content),
        pinned=pinned,
        diary_date=diary_date,
        revision_count=1,
    )
    _record(memo, owner)
    return memo


@transaction.atomic
def memo_update(
    memo: Memo,
    *,
    user: User,
    base_revision: int | None,
    content: str | None = None,
    tags_given: list[str] | None = None,
    **flags: Any,
) -> Memo:
    """Edit a memo. `base_revision` is the revision the edit started from; if the memo moved on since, the
    edit is refused with StaleRevision (so two tabs can't silently overwrite each other). Content or tag
    changes add a revision; `pinned`, `is_archived` and `diary_date` don't."""
    allowed = {"pinned", "is_archived", "diary_date"}
    if set(flags) - allowed:
        raise ValueError(f"Not a memo field: {', '.join(sorted(set(flags) - allowed))}")
    memo = Memo.objects.select_for_update().get(pk=memo.pk)
    if base_revision is not None and base_revision != memo.revision_count:
        raise StaleRevision(memo)
    changed_text = False
    if content is not None or tags_given is not None:
        new_content = _clean_content(content) if content is not None else memo.content
        explicit = (
            tags_given if tags_given is not None else [t for t in memo.tags if t not in tags.hashtags(memo.content)]
        )
        new_tags = tags.merge(explicit, new_content)
        if (new_content, new_tags) != (memo.content, memo.tags):
            if base_revision is None:
                raise ValidationError({"revision": "Say which revision you edited (the memo's revision_count)."})
            memo.content, memo.tags = new_content, new_tags
            memo.revision_count = F("revision_count") + 1
            changed_text = True
    for field, value in flags.items():
        setattr(memo, field, value)
    memo.save()
    memo.refresh_from_db()
    if changed_text:
        _record(memo, user)
    return memo


@transaction.atomic
def memo_trash(memo: Memo, *, user: User) -> Memo:
    """Move a memo to the trash (restorable until purged)."""
    return _set_deleted(memo, user, True)


@transaction.atomic
def memo_restore(memo: Memo, *, user: User) -> Memo:
    """Take a memo out of the trash."""
    return _set_deleted(memo, user, False)


def _set_deleted(memo: Memo, user: User, deleted: bool) -> Memo:
    memo = Memo.objects.select_for_update().get(pk=memo.pk)
    if memo.is_deleted == deleted:
        return memo
    memo.is_deleted = deleted
    memo.deleted_at = timezone.now() if deleted else None
    memo.revision_count = F("revision_count") + 1
    memo.save(update_fields=["is_deleted", "deleted_at", "revision_count", "updated_at"])
    memo.refresh_from_db()
    _record(memo, user)
    return memo


@transaction.atomic
def memo_purge(memo: Memo) -> None:
    """Delete a trashed memo for good, with its history."""
    if not memo.is_deleted:
        raise ValidationError("Only memos in the trash can be deleted for good; move it to the trash first.")
    memo_id, user_id = memo.pk, memo.owner_id
    memo.delete()
    transaction.on_commit(lambda: signals.memo_changed.send(sender=Memo, memo_id=memo_id, user_id=user_id))


def trash_purge_expired(now: Any = None) -> int:
    """Purge memos that have been in the trash longer than the `trash_retention_days` site setting."""
    cutoff = (now or timezone.now()) - timedelta(days=site_settings.get("trash_retention_days"))
    purged = 0
    for memo in Memo.objects.trashed().filter(deleted_at__lt=cutoff).iterator():
        memo_purge(memo)
        purged += 1
    return purged


@transaction.atomic
def revision_restore(revision: MemoRevision, *, user: User) -> Memo:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    memo = Memo.objects.select_for_update().get(pk=revision.memo_id)
    memo.content, memo.tags = revision.content, list(revision.tags)
    memo.revision_count = F("revision_count") + 1
    memo.save(update_fields=["content", "tags", "revision_count", "updated_at"])
    memo.refresh_from_db()
    _record(memo, user)
    return memo


# -- diaries ----------------------------------------------------------------------------------------------


def diary_write(
    *,
    owner: User,
    day: date,
    summary: str = "",
    mood_key: str = "",
    mood_score: int | None = None,
) -> Diary:
    """Write (or rewrite) the user's diary for a day by hand; that locks it against AI generation."""
    diary, _ = Diary.objects.get_or_create(owner=owner, date=day)
    diary.summary = summary.strip()
    diary.mood_key = mood_key.strip()
    diary.mood_score = mood_score
    diary.generation_source = Diary.Source.MANUAL
    diary.auto_generation_locked = True
    diary.is_deleted = False
    diary.full_clean()
    diary.save()
    return diary


def diary_delete(diary: Diary) -> None:
    """Soft-delete a diary entry (it stays restorable by writing the day again)."""
    diary.is_deleted = True
    diary.save(update_fields=["is_deleted", "updated_at"])
