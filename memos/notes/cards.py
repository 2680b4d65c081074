"""Memo cards: each rendered once per state of its memo and served from the cache after.

A card shows the memo's text, tags, pin, time, revision count and attachments, in the reader's time zone and
language; its key is a hash of all of them, so an old card is never shown for a changed memo. The attachments'
part of the key comes with the memos' own query (`with_card_state`), so a page whose cards are all cached reads
no attachments at all; the cards that must be rendered get theirs in one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, QuerySet, TextField, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from memos.models import Memo, Resource

CARD_SECONDS = 24 * 3600
VISIBLE_FILES = Prefetch("resources", queryset=Resource.objects.filter(is_deleted=False).order_by("created_at"))


def with_card_state(memos: QuerySet[Memo]) -> QuerySet[Memo]:
    """Memos with `files_state`: their visible attachments' ids and change times, as the cards' keys need them."""
    quote = connection.ops.quote_name
    resources, memo_table = quote(Resource._meta.db_table), quote(Memo._meta.db_table)
    return memos.annotate(
        files_state=RawSQL(
            f"SELECT string_agg(r.id || ':' || r.updated_at, ';' ORDER BY r.created_at, r.id) FROM {resources} r"
            f" WHERE r.memo_id = {memo_table}.id AND NOT r.is_deleted",
            (),
            output_field=TextField(),
        )
    )


def card_key(memo: Memo, editable: bool = False, signed: bool = False) -> str:
    author = memo.owner.name if signed else ""
    state = "\x00".join([str(editable), author,
        str(memo.pk), memo.content, ",".join(memo.tags), str(memo.pinned), str(memo.revision_count), memo.visibility,
        memo.created_at.isoformat(), memo.updated_at.isoformat(), memo.files_state or "",  # type: ignore[attr-defined]
        timezone.get_current_timezone_name(), translation.get_language() or "",
    ])  # fmt: skip
    return "memo-card:" + hashlib.sha256(state.encode()).hexdigest()


def cards(memos: Iterable[Memo], *, editable: bool = False, signed: bool = False) -> list[SafeString]:
    """The cards of `memos` (read through `with_card_state`), in order: cached ones as they are, the others
    rendered (their attachments read in one query) and cached. `editable`: their task boxes tick (the page has the
    task form); otherwise they only show. `signed`: each names its author (read them with the owner)."""
    memos = list(memos)
    keys = [card_key(memo, editable, signed) for memo in memos]
    found = cache.get_many(keys)
    missing = [(memo, key) for memo, key in zip(memos, keys, strict=True) if key not in found]
    if missing:
        prefetch_related_objects([memo for memo, _ in missing], VISIBLE_FILES)
        rendered = {
            key: render_to_string("memos/_card.html", {"memo": memo, "editable": editable, "signed": signed})
            for memo, key in missing
        }
        cache.set_many(rendered, CARD_SECONDS)
        found.update(rendered)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308 - rendered by the template engine, escaped there
