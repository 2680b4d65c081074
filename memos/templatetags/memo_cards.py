"""`{% memo_card memo %}`: a memo's card, rendered once per state of the memo and served from the cache after.

A card shows the memo's text, tags, pin, time, revision count and attachments, in the reader's time zone and
language; the key is a hash of all of them, so an old card is never shown for a changed memo.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
CARD_SECONDS = 24 * 3600


def card_key(memo: Any) -> str:
    files = ";".join(f"{f.pk}:{f.updated_at.timestamp()}" for f in memo.resources.all())
    state = "\x00".join([
        str(memo.pk), memo.content, ",".join(memo.tags), str(memo.pinned), str(memo.revision_count),
        memo.created_at.isoformat(), memo.updated_at.isoformat(), files, timezone.get_current_timezone_name(),
        translation.get_language() or "",
    ])  # fmt: skip
    return "memo-card:" + hashlib.sha256(state.encode()).hexdigest()


@register.simple_tag
def memo_card(memo: Any) -> SafeString:
    key = card_key(memo)
    html = cache.get(key)
    if html is None:
        html = render_to_string("memos/_card.html", {"memo": memo})
        cache.set(key, html, CARD_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there
