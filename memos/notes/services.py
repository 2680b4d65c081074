"""Every write to memos: create, edit, trash, restore, purge, import, revisions and their summaries, and each
user's memo preferences. History is append-only: each change of content, tags or trash state adds a revision,
and restoring an old revision adds another."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import site_settings
from accounts.services import GUEST_READ_ONLY
from memos import signals, sync_triggers
from memos.models import (
    Memo,
    MemoPreference,
    MemoRevision,
    Visibility,
)
from memos.notes import links, tags, tasks
from quillium_site import queue
from quillium_site.errors import Conflict

if TYPE_CHECKING:
    from accounts.models import User


MAX_CONTENT_CHARS = 200_000
logger = logging.getLogger(__name__)


class StaleRevision(Conflict):
    """An edit was based on an older revision than the memo's current one."""

    code = "stale_revision"

    def __init__(self, memo: Memo) -> None:
        super().__init__(
            _(
                "This memo changed since you opened it (now at revision %(revision_count)s); "
                "reload it and apply your edit again."
            )
            % {"revision_count": memo.revision_count}
        )
        self.memo = memo


def _clean_content(content: str) -> str:
    content = content.strip()
    if not content:
        raise ValidationError({"content": _("A memo needs some text.")})
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError(
            {"content": _("Memos are limited to %(limit)s characters.") % {"limit": format(MAX_CONTENT_CHARS, ",")}}
        )
    return content


def _record(memo: Memo, user: User) -> MemoRevision:
    revision = MemoRevision.objects.create(
        memo=memo,
        user=user,
        revision_number=memo.revision_count,
        content=memo.content,
        tags=memo.tags,
        visibility=memo.visibility,
        is_deleted=memo.is_deleted,
    )
    _announce(memo, user)
    if revision.revision_number > 1 and wants_summaries(memo.owner_id):
        _enqueue_summary(revision.pk)
    return revision


def wants_summaries(owner_id: int) -> bool:
    return MemoPreference.objects.filter(user_id=owner_id, revision_summaries=True).exists()


def _enqueue_summary(revision_id: object) -> None:
    queue.enqueue("memos.tasks.summarize_revision", str(revision_id))


def memo_preference_set(user: User, *, revision_summaries: bool) -> MemoPreference:
    """Turn one-line AI summaries of new revisions on or off (they count against the daily token allowance)."""
    if user.is_guest:
        raise PermissionDenied(GUEST_READ_ONLY)
    preference, _created = MemoPreference.objects.update_or_create(
        user=user, defaults={"revision_summaries": revision_summaries}
    )
    return preference


def revision_summary_save(revision: MemoRevision, summary: str) -> None:
    """Store a revision's AI summary: one line (the first the model wrote), at most SUMMARY_CHARS."""
    line = next((line.strip() for line in summary.splitlines() if line.strip()), "")
    revision.ai_summary = line[:SUMMARY_CHARS]
    revision.save(update_fields=["ai_summary"])


SUMMARY_CHARS = 200


def _announce(memo: Memo, user: User, *, imported: bool = False) -> None:
    # The task row is written in the memo's own transaction (the queue lives in the same database), so a
    # committed memo always has its embedding task; listeners hear of it only once it is committed, and one
    # failing there is logged (robust) rather than turning a saved memo into a 500.
    _enqueue_embedding(memo.pk)
    for receiver, failure in signals.memo_written.send_robust(
        sender=Memo, memo_id=memo.pk, user_id=user.pk, imported=imported
    ):
        if isinstance(failure, Exception):
            logger.error("memo_written receiver %r failed: %s", receiver, failure)
    transaction.on_commit(lambda: signals.memo_changed.send(sender=Memo, memo_id=memo.pk, user_id=user.pk), robust=True)


def _lock(memo_id: uuid.UUID, owner_id: int) -> Memo:
    """The memo, row-locked, after its owner's sync lock: the order the database triggers take them in, so
    two writers never wait on each other in opposite order."""
    sync_triggers.lock_owner(owner_id)
    return Memo.objects.select_for_update().get(pk=memo_id)


def _enqueue_embedding(memo_id: object) -> None:
    queue.enqueue("memos.tasks.embed_memo", str(memo_id))


def memo_task_toggle(memo: Memo, *, user: User, index: int, base_revision: int | None) -> Memo:
    """Tick (or untick) the memo's task `index`: an edit like any other, a new revision, refused when the memo moved
    on since `base_revision`."""
    try:
        content = tasks.toggle(memo.content, index)
    except IndexError:
        raise ValidationError({"task": _("This memo has no task %(number)s.") % {"number": index + 1}}) from None
    return memo_update(memo, user=user, base_revision=base_revision, content=content)


@transaction.atomic
def memo_create(
    *,
    owner: User,
    content: str,
    tags_given: list[str] | tuple[str, ...] = (),
    pinned: bool = False,
    diary_date: date | None = None,
    memo_id: uuid.UUID | None = None,
    visibility: str = Visibility.PRIVATE,
) -> Memo:
    """Write a memo (private unless said otherwise); its first revision is number 1. Devices that work offline
    choose the id themselves."""
    content = _clean_content(content)
    _check_visibility(visibility)
    memo = Memo.objects.create(
        id=memo_id or uuid.uuid4(),
        owner=owner,
        content=content,
        tags=tags.merge(tags_given, content),
        pinned=pinned,
        diary_date=diary_date,
        visibility=visibility,
        revision_count=1,
    )
    _record(memo, owner)
    links.relink(memo)
    return memo


def _check_visibility(visibility: str) -> None:
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose private, household or public.")})


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
    edit is refused with StaleRevision (so two tabs can't silently overwrite each other). Content, tag and
    `visibility` changes add a revision (who could read it is part of its history); `pinned`, `is_archived` and
    `diary_date` don't."""
    visibility = flags.pop("visibility", None)
    allowed = {"pinned", "is_archived", "diary_date"}
    if set(flags) - allowed:
        raise ValueError(f"Not a memo field: {', '.join(sorted(set(flags) - allowed))}")
    memo = _lock(memo.pk, memo.owner_id)
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
                raise ValidationError({"revision": _("Say which revision you edited (the memo's revision_count).")})
            memo.content, memo.tags = new_content, new_tags
            memo.revision_count = F("revision_count") + 1
            changed_text = True
    if visibility is not None and visibility != memo.visibility:
        _check_visibility(visibility)
        memo.visibility = visibility
        if not changed_text:
            memo.revision_count = F("revision_count") + 1
            changed_text = True
    for field, value in flags.items():
        setattr(memo, field, value)
    memo.save()
    memo.refresh_from_db()
    if changed_text:
        _record(memo, user)
        links.relink(memo)
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
    memo = _lock(memo.pk, memo.owner_id)
    if memo.is_deleted == deleted:
        return memo
    memo.is_deleted = deleted
    memo.deleted_at = timezone.now() if deleted else None
    memo.revision_count = F("revision_count") + 1
    memo.save(update_fields=["is_deleted", "deleted_at", "revision_count", "updated_at"])
    memo.resources.update(is_deleted=deleted, updated_at=timezone.now())
    memo.refresh_from_db()
    _record(memo, user)
    if deleted:
        _schedule_purge(memo)
    return memo


def _schedule_purge(memo: Memo) -> None:
    due = (memo.deleted_at or timezone.now()) + timedelta(days=site_settings.get("trash_retention_days"))
    queue.enqueue("memos.tasks.purge_if_expired", str(memo.pk), run_after=due)  # in the transaction, like embedding


@transaction.atomic
def memo_purge(memo: Memo) -> None:
    """Delete a trashed memo for good, with its history and files."""
    memo = _lock(memo.pk, memo.owner_id)
    if not memo.is_deleted:
        raise ValidationError(_("Only memos in the trash can be deleted for good; move it to the trash first."))
    memo_id, user_id = memo.pk, memo.owner_id
    names = list(memo.resources.values_list("file", flat=True))
    memo.delete()

    def after_commit() -> None:
        for name in names:
            default_storage.delete(name)
        signals.memo_changed.send(sender=Memo, memo_id=memo_id, user_id=user_id)

    transaction.on_commit(after_commit, robust=True)


def memo_delete_for_good(memo: Memo, *, user: User) -> None:
    """Trash (recorded as done by `user`) and purge at once: what deleting a memo in the admin means."""
    with transaction.atomic():
        memo_purge(memo_trash(memo, user=user))


def trash_purge_expired(now: Any = None) -> int:
    """Purge memos that have been in the trash longer than the `trash_retention_days` site setting."""
    cutoff = (now or timezone.now()) - timedelta(days=site_settings.get("trash_retention_days"))
    purged = 0
    for memo in Memo.objects.trashed().filter(deleted_at__lt=cutoff).iterator():
        memo_purge(memo)
        purged += 1
    return purged


@transaction.atomic
def memo_import(
    *,
    owner: User,
    content: str,
    tags_given: list[str],
    revisions: list[dict[str, Any]],
    created_at: datetime,
    updated_at: datetime,
    pinned: bool = False,
    is_archived: bool = False,
    is_deleted: bool = False,
    deleted_at: datetime | None = None,
    diary_date: date | None = None,
    visibility: str = Visibility.PRIVATE,
) -> Memo:
    """A memo from an export, with its history and original dates, under a new id. Held to the same limits as
    a new memo, then embedded, announced and (if trashed) scheduled for purging like any other."""
    content = _clean_content(content)
    _check_visibility(visibility)
    numbers = [revision["revision_number"] for revision in revisions]
    if len(numbers) != len(set(numbers)) or any(number < 1 for number in numbers):
        raise ValidationError({"revisions": _("Revision numbers must be distinct whole numbers from 1.")})
    for revision in revisions:
        if len(revision["content"]) > MAX_CONTENT_CHARS:
            raise ValidationError(
                {
                    "revisions": _("Revisions are limited to %(limit)s characters.")
                    % {"limit": format(MAX_CONTENT_CHARS, ",")}
                }
            )
    memo = Memo.objects.create(
        owner=owner,
        content=content,
        tags=tags.merge(tags_given, content),
        pinned=pinned,
        is_archived=is_archived,
        is_deleted=is_deleted,
        deleted_at=(deleted_at or timezone.now()) if is_deleted else None,
        diary_date=diary_date,
        visibility=visibility,
        revision_count=max(numbers, default=1),
    )
    # auto_now(_add) fields take "now" on create; keep the original dates.
    Memo.objects.filter(pk=memo.pk).update(created_at=created_at, updated_at=updated_at)
    history = [
        MemoRevision(
            memo=memo,
            user=owner,
            revision_number=revision["revision_number"],
            content=revision["content"],
            tags=[tags.normalize(tag) for tag in revision["tags"]],
            ai_summary=revision.get("ai_summary", ""),
            visibility=revision.get("visibility", Visibility.PRIVATE),
            is_deleted=revision["is_deleted"],
        )
        for revision in revisions
    ] or [
        MemoRevision(memo=memo, user=owner, revision_number=1, content=content, tags=memo.tags, visibility=visibility)
    ]
    MemoRevision.objects.bulk_create(history)
    dates = [given.get("created_at") or created_at for given in revisions] or [created_at]
    for row, when in zip(history, dates, strict=True):
        row.created_at = when
    MemoRevision.objects.bulk_update(history, ["created_at"])  # one statement, values as given
    memo.refresh_from_db()
    _announce(memo, owner, imported=True)
    links.relink(memo)
    if memo.is_deleted:
        _schedule_purge(memo)
    return memo


@transaction.atomic
def revision_restore(revision: MemoRevision, *, user: User) -> Memo:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    memo = _lock(revision.memo_id, revision.memo.owner_id)
    memo.content, memo.tags = revision.content, list(revision.tags)
    memo.revision_count = F("revision_count") + 1
    memo.save(update_fields=["content", "tags", "revision_count", "updated_at"])
    memo.refresh_from_db()
    _record(memo, user)
    links.relink(memo)
    return memo
