"""Tags: the explicit ones a user gives plus the #hashtags written in the text, in any script."""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_TAG_LENGTH = 64

# A hashtag's # must not follow a Latin letter or digit, "/" or "&" (so not page.html#part, /#anchor, C#,
# &#39;); CJK text needs no space before it. It runs until a space or punctuation, Latin or CJK.
# "# Heading" (a space after #) is not a tag.
HASHTAG = re.compile(r"(?<![A-Za-z0-9_/&#])#([^\s#.,!?;:()\[\]{}<>\"'`，。！？；：、（）【】「」『』《》]+)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def normalize(tag: str) -> str:
    """One spelling per tag: no leading #, case-folded, trimmed, at most 64 characters."""
    return tag.strip().lstrip("#").strip().casefold()[:MAX_TAG_LENGTH]


def hashtags(content: str) -> list[str]:
    """The #tags in Markdown text, in order of first appearance; code spans and blocks are skipped."""
    text = CODE.sub(" ", content)
    found = [normalize(match) for match in HASHTAG.findall(text)]
    return _unique(tag for tag in found if tag and not tag.isdigit())


def merge(explicit: Iterable[str], content: str) -> list[str]:
    """Explicit tags first, then the content's hashtags, each once."""
    return _unique([*(normalize(tag) for tag in explicit), *hashtags(content)])


def _unique(tags: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for tag in tags:
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def explicit(stored: Iterable[str], content: str) -> list[str]:
    """The tags given by hand: the stored ones that the content's hashtags don't explain."""
    found = set(hashtags(content))
    return [tag for tag in stored if tag not in found]
