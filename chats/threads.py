"""A chat's messages form a tree: each message follows its `parent` (a reply its question, a question the reply
before it). Regenerating a reply adds a sibling reply; editing a question adds a sibling question with its own
reply. Among siblings one is `active`; the conversation shown and sent to the model is the path of active
versions from the first message down."""

from __future__ import annotations

from collections.abc import Iterable

from chats.models import Message


def _children[M: Message](messages: Iterable[M]) -> dict[int | None, list[M]]:
    children: dict[int | None, list[M]] = {}
    for message in sorted(messages, key=lambda m: (m.created_at, m.pk)):
        children.setdefault(message.parent_id, []).append(message)
    return children


def active_path[M: Message](messages: Iterable[M]) -> list[M]:
    """The shown conversation, oldest first; each message gets `version` (1-based), `siblings` (ids in order) and
    the ids of its `previous_version` and `next_version` (None at either end)."""
    children = _children(messages)
    path: list[M] = []
    parent: int | None = None
    while children.get(parent):
        siblings = children[parent]
        chosen = next((m for m in reversed(siblings) if m.active), siblings[-1])
        at = siblings.index(chosen)
        chosen.siblings = [m.pk for m in siblings]  # type: ignore[attr-defined]
        chosen.version = at + 1  # type: ignore[attr-defined]
        chosen.previous_version = siblings[at - 1].pk if at else None  # type: ignore[attr-defined]
        chosen.next_version = siblings[at + 1].pk if at + 1 < len(siblings) else None  # type: ignore[attr-defined]
        path.append(chosen)
        parent = chosen.pk
    return path


def ancestors[M: Message](messages: Iterable[M], message_id: int) -> list[M]:
    """The messages `message_id` follows, oldest first (what the model is shown before it)."""
    by_id = {m.pk: m for m in messages}
    chain: list[M] = []
    current = by_id.get(message_id)
    while current is not None and current.parent_id is not None:
        current = by_id.get(current.parent_id)
        if current is not None:
            chain.append(current)
    return chain[::-1]
