"""Reads for the bot pages and the thread under a memo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bots.models import Bot, BotReply, BotReplyResource


def replies_of(memo: Any) -> QuerySet[BotReply]:
    """A memo's replies, oldest first, with their bot and cited attachments (a fixed number of queries)."""
    return (
        BotReply.objects.filter(memo=memo)
        .select_related("bot")
        .prefetch_related(Prefetch("cited_resources", BotReplyResource.objects.select_related("resource")))
        .order_by("created_at")
    )


JUST_SAVED = timedelta(minutes=2)


def memo_thread(memo: Any) -> dict[str, Any]:
    """What the memo page shows of the bots; `busy` while a reply is being written or, just after a save, while
    a bot the memo calls has yet to start (the page polls until then)."""
    from bots.services import triggered_bots

    replies = list(replies_of(memo))
    writing = any(reply.status in (BotReply.Status.PENDING, BotReply.Status.RUNNING) for reply in replies)
    answered = {reply.bot_id for reply in replies if not reply.user_question}
    bots = list(Bot.objects.visible_to(memo.owner))
    waiting = timezone.now() - memo.updated_at < JUST_SAVED and any(
        bot.pk not in answered for bot in triggered_bots(memo, bots)
    )
    return {"memo": memo, "replies": replies, "bots": bots, "busy": writing or waiting}
