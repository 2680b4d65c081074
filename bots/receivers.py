"""How bots hear of memos: memos sends a signal inside the writing transaction, and nothing in memos imports bots."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction

from memos import signals
from quillium_site import queue

logger = logging.getLogger(__name__)


def memo_written(sender: Any, memo_id: Any, user_id: int, imported: bool = False, **kwargs: Any) -> None:
    """Queue the bots' reaction in the memo's own transaction (committed together), never failing the memo."""
    if imported:  # old notes brought in by an import don't call the bots
        return
    from bots.models import Bot

    try:
        with transaction.atomic():  # a savepoint: a failure here can't poison the memo's transaction
            if Bot.objects.filter(owner_id=user_id, is_deleted=False).exists():  # most saves call no bot
                queue.enqueue("bots.tasks.react_to_memo", str(memo_id))
    except DatabaseError:
        logger.exception("Bots could not be told about memo %s; the memo is saved.", memo_id)


def connect() -> None:
    signals.memo_written.connect(memo_written, dispatch_uid="bots.memo_written")
