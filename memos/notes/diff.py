"""A readable comparison of two versions of a memo."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Line by line, what `new` keeps, adds and removes from `old`."""
    lines = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        marker, text = line[:2], line[2:]
        if marker == "  ":
            lines.append(DiffLine("same", text))
        elif marker == "+ ":
            lines.append(DiffLine("added", text))
        elif marker == "- ":
            lines.append(DiffLine("removed", text))
    return lines


def unified(old: str, new: str, *, old_name: str, new_name: str) -> str:
    """The same comparison as a unified diff, for the API."""
    return "\n".join(
        difflib.unified_diff(old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm="")
    )
