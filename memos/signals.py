"""Signals memos send, so other apps (bots, embeddings) can react without memos importing them."""

from django.dispatch import Signal

# Sent after commit whenever a memo's content, tags or trash state changed, or it was purged.
# Arguments: memo_id (UUID), user_id (int).
memo_changed = Signal()

# Sent inside the writing transaction when a memo got a new revision (created, edited, imported with
# `imported=True`). Arguments: memo_id, user_id, imported. Receivers run in a savepoint of their own and must never
# raise: whatever they write commits with the memo or not at all, and they can't fail it.
memo_written = Signal()
