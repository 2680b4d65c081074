"""Links between memos: `[[a title]]`, `[[a memo's id]]` or a pasted memo address (`…/memos/<id>/`, or its public
page). Saved as MemoLink rows for "Linked from"; drawn in the rendered memo as links through the resolver
(`memos:link`), which answers only with a memo the reader may read, so a reference never shows another person's
title."""

from __future__ import annotations

import re
import uuid
from html import unescape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from memos.models import Memo, MemoLink

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
WIKI = re.compile(r"\[\[([^\[\]\n]{1,200})\]\]")
ADDRESS = re.compile(rf"/memos/(?:public/)?({UUID})/")
# A `[[…]]` in rendered (escaped) HTML, outside tags; code is skipped by the caller's regex on `<code>` spans.
RENDERED_WIKI = re.compile(r"\[\[([^\[\]<>\n]{1,200})\]\]")
CODE = re.compile(r"(<code>.*?</code>|<pre>.*?</pre>)", re.DOTALL)


def as_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def targets(memo: Memo) -> set[uuid.UUID]:
    """The memos `memo` refers to: ids and addresses as written (anyone's), titles among its owner's own memos
    (the newest of that title), never itself."""
    wanted = {uuid.UUID(found) for found in ADDRESS.findall(memo.content)}
    wanted |= {target for inner in WIKI.findall(memo.content) if (target := resolve(memo, inner.strip()))}
    wanted.discard(memo.pk)
    return set(Memo.objects.filter(pk__in=wanted).values_list("pk", flat=True))


def title_match(owner_id: int, title: str) -> uuid.UUID | None:
    """The owner's newest memo whose title (first line, without heading marks) is `title`, ignoring case."""
    candidates = (
        Memo.objects.filter(
            owner_id=owner_id, is_deleted=False, content__iregex=rf"^\s*#*\s*{re.escape(title)}\s*(\n|$)"
        )
        .order_by("-created_at")
        .values_list("pk", flat=True)
    )
    return candidates.first()


def relink(memo: Memo) -> None:
    """Store what `memo` refers to now (called by every write of its text)."""
    wanted = targets(memo)
    MemoLink.objects.filter(source=memo).exclude(target__in=wanted).delete()
    MemoLink.objects.bulk_create([MemoLink(source=memo, target_id=target) for target in wanted], ignore_conflicts=True)


def resolve(source: Memo, wanted: str) -> uuid.UUID | None:
    """What a `[[wanted]]` of `source` names: an id as written, else its owner's memo of that title."""
    return as_id(wanted) or title_match(source.owner_id, wanted)


def with_links(html: str, memo_pk: object) -> SafeString:
    """The rendered memo with each `[[…]]` (outside code) a link through the resolver, showing what was typed."""
    base = reverse("memos:link", args=[memo_pk])

    def link(match: re.Match[str]) -> str:
        typed = match.group(1)  # escaped by the renderer, and free of tags (RENDERED_WIKI refuses < and >)
        query = urlencode({"to": unescape(typed)})
        return format_html('<a class="memo-link" href="{}?{}">{}</a>', base, query, mark_safe(typed))  # noqa: S308

    parts = CODE.split(html)
    return mark_safe(  # noqa: S308 - sanitized HTML and links built by format_html
        "".join(part if CODE.fullmatch(part) else RENDERED_WIKI.sub(link, part) for part in parts)
    )
