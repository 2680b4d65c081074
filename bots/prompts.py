"""What a bot is told: its persona, the memo, the thread so far, and what it remembers of the user's notes."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ai.client import Messages
from bots.models import BotReply
from memos.models import Diary, Memo
from memos.search.semantic import semantic_search

MEMORY_SIZE = 4
# Cosine similarity (the local MiniLM model) under which a memo is not "related" at all: without a cut-off, the
# nearest memos of a small journal would be cited however unrelated they are.
MEMORY_MIN_SIMILARITY = 0.35
EXCERPT_CHARS = 600


@dataclass(frozen=True)
class Remembered:
    memo: Memo
    similarity: float

    @property
    def link(self) -> str:
        return reverse("memos:detail", args=[self.memo.pk])


def memory(memo: Memo, *, limit: int = MEMORY_SIZE) -> list[Remembered]:
    """The owner's memos most related to this one (never anyone else's), above the relevance cut-off."""
    hits = semantic_search(memo.owner, memo.content, limit=limit + 1)
    return [
        Remembered(hit.memo, hit.rank)
        for hit in hits
        if hit.memo.pk != memo.pk and hit.memo.owner_id == memo.owner_id and hit.rank >= MEMORY_MIN_SIMILARITY
    ][:limit]


def _persona(reply: BotReply) -> str:
    bot = reply.bot
    persona = bot.description.strip() or "A thoughtful companion who reads the user's notes."
    return (
        f"You are {bot.name}, answering inside the user's personal notes. {persona}\n"
        "Answer in the language of the note, briefly and kindly, in Markdown. When something you remember from "
        "the user's other notes helps, cite it with its link, like [a few words](/memos/…/)."
    )


def _remembered_block(remembered: list[Remembered], diaries: list[Diary]) -> str:
    lines = [f"- [{item.memo.title}]({item.link}): {item.memo.content[:EXCERPT_CHARS]}" for item in remembered]
    lines += [
        f"- The user's diary of {diary.date:%Y-%m-%d}: {diary.summary[:EXCERPT_CHARS]}"
        for diary in diaries
        if diary.summary
    ]
    return "What you remember from the user's notes:\n" + "\n".join(lines) if lines else ""


def _days(memo: Memo) -> set[date]:
    return {memo.diary_date or timezone.localtime(memo.created_at).date()}


IMAGES_PER_PROMPT = 4
IMAGE_MAX_BYTES = 5 * 1024 * 1024


def _images(memo: Memo) -> list[dict[str, Any]]:
    """The memo's pictures as image parts (data URLs: the provider can't fetch our private files)."""
    parts = []
    for resource in memo.resources.filter(is_deleted=False, resource_type="image").order_by("created_at"):
        if resource.file_size > IMAGE_MAX_BYTES or resource.mime_type == "image/svg+xml":
            continue
        with resource.file.open("rb") as stored:
            data = base64.b64encode(stored.read()).decode()
        parts.append({"type": "image_url", "image_url": {"url": f"data:{resource.mime_type};base64,{data}"}})
        if len(parts) == IMAGES_PER_PROMPT:
            break
    return parts


def build(reply: BotReply, remembered: list[Remembered]) -> Messages:
    """The messages for the model: persona, memo (with what it remembers), then the thread up to this reply."""
    memo = reply.memo
    # The diaries of the memo's day and of the days of the related memos: what the user felt around them.
    days = _days(memo).union(*(_days(item.memo) for item in remembered))
    diaries = list(Diary.objects.filter(owner=memo.owner, date__in=days, is_deleted=False).order_by("date")[:5])
    context = _remembered_block(remembered, diaries)
    note = f"The note:\n\n{memo.content}" + (f"\n\n{context}" if context else "")
    images = _images(memo) if reply.bot.vision else []
    content: str | list[dict[str, Any]] = [{"type": "text", "text": note}, *images] if images else note
    messages: Messages = [{"role": "system", "content": _persona(reply)}, {"role": "user", "content": content}]
    if reply.user_question:
        earlier = (
            BotReply.objects.filter(
                memo=memo, bot=reply.bot, status=BotReply.Status.COMPLETE, created_at__lt=reply.created_at
            )
            .order_by("created_at")
            .values_list("user_question", "content")
        )
        for question, answer in list(earlier)[-10:]:
            if question:
                messages.append({"role": "user", "content": question})
            messages.append({"role": "assistant", "content": answer})
        messages.append({"role": "user", "content": reply.user_question})
    return messages
