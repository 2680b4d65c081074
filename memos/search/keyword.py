"""Keyword search over a user's memos: PostgreSQL full-text search (stemmed, ranked by cover density) for
Western text, plus substring matching backed by a trigram index so Chinese or Japanese text is found by any
part of it. Results are ranked and carry a highlighted, HTML-escaped snippet."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Q, Value, When
from django.utils.html import strip_tags

from ai.client import ProviderError
from memos.models import SEARCH_CONFIG, Memo
from quillium_site import excerpts
from quillium_site.excerpts import excerpt
from quillium_site.markdown import render_markdown

logger = logging.getLogger("quillium.memos")

if TYPE_CHECKING:
    from accounts.models import User

MAX_QUERY_CHARS = 200
START, STOP = "\x02", "\x03"  # markers that can't occur in text, swapped for <mark> after escaping


@dataclass(frozen=True)
class Hit:
    memo: Memo
    rank: float
    snippet: str  # safe HTML: escaped text with <mark>…</mark> around matches


def keyword_search(
    user: User,
    text: str,
    *,
    tag: str | None = None,
    start: date | None = None,
    end: date | None = None,
    archived: bool | None = None,
    limit: int = 50,
) -> list[Hit]:
    """The user's memos (not in the trash) matching `text`, best first."""
    needle = " ".join(text.split())[:MAX_QUERY_CHARS]
    if not needle:
        return []
    query = SearchQuery(needle, search_type="websearch", config=SEARCH_CONFIG)
    memos = Memo.objects.visible_to(user).filter(is_deleted=False)
    if archived is not None:
        memos = memos.filter(is_archived=archived)
    if tag:
        memos = memos.tagged(tag)
    memos = memos.created_between(start, end)
    ranked = (
        memos.filter(Q(search_vector=query) | Q(content__icontains=needle))
        .annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True)
            # the exact phrase beats scattered words, and more so at the start (the title)
            + Case(When(content__icontains=needle, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
            + Case(
                When(Q(content__istartswith=needle) | Q(content__istartswith=f"# {needle}"), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            ),
            headline=SearchHeadline(
                "content",
                query,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
            ),
        )
        .order_by("-rank", "-created_at")[:limit]
    )
    return [Hit(memo=memo, rank=memo.rank, snippet=_snippet(memo.headline, memo.content, needle)) for memo in ranked]


def _snippet(headline: str, content: str, needle: str) -> str:
    """A piece of the memo as people read it (Markdown rendered, markup dropped), around the first match, with the
    words PostgreSQL matched (stems included: "walked" for "walk") or the typed text (a CJK substring) marked."""
    matched = [word for word in re.findall(f"{START}(.*?){STOP}", headline) if word.strip()] or [needle]
    text = plain_text(content, length=min(len(content), 20_000))  # a match further in: the opening words
    return excerpt(text, excerpts.words(*matched)) or plain_snippet(content)


def plain_text(content: str, length: int = 160) -> str:
    """The memo's opening words as plain text: its Markdown rendered and the markup dropped, so they read
    "Day 3 Walked to the market", not "## Day 3 **Walked**"."""
    text = " ".join(html.unescape(strip_tags(render_markdown(content[: length * 8]))).split())
    return text[:length].rsplit(" ", 1)[0] + "…" if len(text) > length else text


def plain_snippet(content: str, length: int = 160) -> str:
    """`plain_text`, escaped: a snippet is HTML like the keyword search's highlighted ones."""
    return html.escape(plain_text(content, length))


RRF_K = 60  # the usual reciprocal-rank-fusion constant: rank 1 scores 1/61, rank 10 scores 1/70


def hybrid_search(user: User, text: str, *, limit: int = 50) -> list[Hit]:
    """Keyword and semantic results fused by reciprocal rank: found by both ranks highest. When the embedding
    provider fails, the keyword results alone (logged), rather than no results."""
    from memos.search.semantic import hits, semantic_matches

    keyword = keyword_search(user, text, limit=limit)
    try:
        semantic = semantic_matches(user, text, limit=limit)
    except ProviderError as error:
        logger.warning("Hybrid search answered with keyword results only: %s", error.message)
        semantic = []
    scores: dict[object, float] = {}
    for ranked in ([hit.memo.pk for hit in keyword], [memo_id for memo_id, _ in semantic]):
        for position, memo_id in enumerate(ranked, start=1):
            scores[memo_id] = scores.get(memo_id, 0.0) + 1.0 / (RRF_K + position)
    ordered = sorted(scores, key=lambda pk: scores[pk], reverse=True)[:limit]
    found: dict[object, Hit] = {hit.memo.pk: hit for hit in keyword}  # keyword hits keep their highlighted snippets
    found.update({hit.memo.pk: hit for hit in hits([(pk, 0.0) for pk in ordered if pk not in found])})
    return [Hit(memo=found[pk].memo, rank=scores[pk], snippet=found[pk].snippet) for pk in ordered if pk in found]
