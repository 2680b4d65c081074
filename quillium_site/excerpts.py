"""A piece of a long text around what a search found, escaped, with each match marked: the snippet under a search
hit, for memos and chats alike."""

from __future__ import annotations

import html
import re


def excerpt(text: str, pattern: re.Pattern[str], *, before: int = 60, after: int = 100) -> str | None:
    """HTML: the words around the first match of `pattern` in `text` (plain text), every match in that window
    wrapped in <mark>, an ellipsis where it was cut; None when nothing matches."""
    found = pattern.search(text)
    if not found:
        return None
    begin, end = max(found.start() - before, 0), min(found.end() + after, len(text))
    window = " ".join(text[begin:end].split())
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts += [html.escape(window[last : match.start()]), "<mark>", html.escape(match.group(0)), "</mark>"]
        last = match.end()
    parts.append(html.escape(window[last:]))
    return ("…" if begin else "") + "".join(parts) + ("…" if end < len(text) else "")


def words(*needles: str) -> re.Pattern[str]:
    """A case-insensitive pattern for any of `needles` as typed, the longest first."""
    unique = sorted({needle for needle in needles if needle.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(needle) for needle in unique) or r"(?!)", re.IGNORECASE)
