"""Signals memos send, so other apps (bots, embeddings) can react without memos importing them."""

from django.dispatch import Signal

# Sent after commit whenever a memo's content, tags or trash state changed, or it was purged.
# Arguments: memo_id (UUID), user_id (int).
memo_changed = Signal()
