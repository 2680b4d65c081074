"""Every write to diaries. A diary a person wrote or edited is locked against the AI's: their words are never
overwritten."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from memos.models import Diary

if TYPE_CHECKING:
    from accounts.models import User


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


def diary_import(
    *,
    owner: User,
    day: date,
    summary: str,
    mood_key: str,
    mood_score: int | None,
    generation_source: str,
    auto_generation_locked: bool,
    is_deleted: bool,
) -> Diary:
    """A diary from an export: kept as it was (its source and lock too), replacing the user's entry for that day."""
    diary, _ = Diary.objects.get_or_create(owner=owner, date=day)
    diary.summary, diary.mood_key, diary.mood_score = summary, mood_key, mood_score
    diary.generation_source, diary.auto_generation_locked = generation_source, auto_generation_locked
    diary.is_deleted = is_deleted
    diary.full_clean()
    diary.save()
    return diary


@transaction.atomic
def diary_generate(
    *, owner: User, day: date, summary: str, mood_key: str, mood_score: int | None, memo_ids: list[Any]
) -> Diary | None:
    """Write the AI's diary of a day, unless the user wrote or edited that day's diary (then it is locked and
    this returns None: a person's words are never overwritten)."""
    diary = Diary.objects.select_for_update().filter(owner=owner, date=day).first()
    if diary is not None and diary.auto_generation_locked and not diary.is_deleted:
        return None
    diary = diary or Diary(owner=owner, date=day)
    diary.summary, diary.mood_key, diary.mood_score = summary.strip(), mood_key.strip(), mood_score
    diary.generation_source, diary.auto_generation_locked = Diary.Source.AI, False
    diary.generated_from_memo_ids = [str(pk) for pk in memo_ids]
    diary.is_deleted = False
    diary.full_clean()
    diary.save()
    return diary


def diary_delete(diary: Diary) -> None:
    """Soft-delete a diary entry (it stays restorable by writing the day again)."""
    diary.is_deleted = True
    diary.save(update_fields=["is_deleted", "updated_at"])
