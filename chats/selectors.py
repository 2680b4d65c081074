"""Reads for the chat pages."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ai.models import AIConfig
from chats import threads
from chats.models import Chat, Message
from quillium_site import excerpts
from quillium_site.compiled import CompiledRows
from quillium_site.excerpts import excerpt

if TYPE_CHECKING:
    from accounts.models import User


def conversation(user: User, chat_id: int) -> tuple[Chat, list[Message]]:
    """A chat of `user` and its shown conversation (threads.active_path), in one query (the read before every
    reply: the chat LEFT JOIN its messages, compiled once); Chat.DoesNotExist for a chat that isn't theirs."""
    chat_columns, message_columns = _conversation_columns()
    rows = _CONVERSATION.rows(chat=chat_id, owner=user.pk)
    if not rows:
        raise Chat.DoesNotExist
    width = len(chat_columns)
    chat = Chat.from_db(DEFAULT_DB_ALIAS, chat_columns, rows[0][:width])
    chat.owner = user  # the same row, already loaded with what the quota check and the ledger read
    messages = [
        Message.from_db(DEFAULT_DB_ALIAS, message_columns, row[width:])
        for row in rows
        if row[width] is not None  # a chat without messages comes as one row of NULLs
    ]
    return chat, threads.active_path(messages)


def shown_path(chat: Chat) -> list[Message]:
    """The shown conversation of a chat already loaded, read as `conversation` reads it (SQL compiled once)."""
    _chat_columns, message_columns = _conversation_columns()
    rows = _MESSAGES.rows(chat=chat.pk)
    return threads.active_path(Message.from_db(DEFAULT_DB_ALIAS, message_columns, row) for row in rows)


@functools.cache
def _conversation_columns() -> tuple[list[str], list[str]]:
    from chats.services import TREE_FIELDS

    # from_db takes values in the model's field order
    return [field.attname for field in Chat._meta.concrete_fields], [
        field.attname for field in Message._meta.concrete_fields if field.attname in {*TREE_FIELDS, "chat_id"}
    ]


def _conversation_rows(chat: int, owner: int) -> QuerySet[Chat, tuple[Any, ...]]:
    chat_columns, message_columns = _conversation_columns()
    return (
        Chat.objects.filter(pk=chat, owner_id=owner)
        .values_list(*chat_columns, *(f"messages__{name}" for name in message_columns))
        .order_by("messages__created_at", "messages__id")
    )


_CONVERSATION = CompiledRows(_conversation_rows, "chat", "owner")


def _message_rows(chat: int) -> QuerySet[Message, tuple[Any, ...]]:
    _chat_columns, message_columns = _conversation_columns()
    return Message.objects.filter(chat_id=chat).values_list(*message_columns).order_by("created_at", "id")


_MESSAGES = CompiledRows(_message_rows, "chat")


def chat_list(user: User, *, search: str = "", archived: bool = False) -> QuerySet[Chat]:
    """The user's chats for the list page (or the archived ones): pinned first, then most recent, with message
    counts. A search looks in archived chats too, each with its first message that holds the words (`match_id`,
    `match_content`), to show and link to."""
    chats = Chat.objects.visible_to(user)
    if not search.strip():
        chats = chats.filter(is_archived=archived)
    chats = (
        chats.search(search)
        .select_related("folder")
        .annotate(message_count=Count("messages"))
        .order_by(*(Chat._meta.ordering or ()))
    )
    if search.strip():
        first = Message.objects.filter(chat=OuterRef("pk"), content__icontains=search.strip()).order_by("created_at")
        chats = chats.annotate(
            match_id=Subquery(first.values("id")[:1]), match_content=Subquery(first.values("content")[:1])
        )
    return chats


def snippet(text: str, needle: str) -> SafeString:
    """A piece of the message around the first `needle` (any case, any script), escaped, each `needle` marked."""
    found = excerpt(text, excerpts.words(needle), before=60, after=60)
    return mark_safe(found if found is not None else escape(text[:120]))  # noqa: S308 - escaped by excerpt


SIDEBAR_RECENT = 50


def sidebar(user: User) -> dict[str, object]:
    """The chat list beside a conversation: pinned chats, each folder with its chats, then the latest unfiled ones
    (two queries whatever the number of folders)."""
    from chats.models import Folder

    chats = list(
        Chat.objects.visible_to(user)
        .filter(is_archived=False)
        .only("id", "title", "pinned", "folder_id", "updated_at")[:300]
    )
    folders = list(Folder.objects.visible_to(user))
    return {
        "pinned": [chat for chat in chats if chat.pinned],
        "folders": [(folder, [c for c in chats if c.folder_id == folder.pk]) for folder in folders],
        "recent": [chat for chat in chats if not chat.pinned and chat.folder_id is None][:SIDEBAR_RECENT],
    }


def chat_provider_ready() -> bool:
    """Is a chat provider configured at all (the page explains how when not)."""
    return AIConfig.objects.filter(key=AIConfig.Key.CHAT).exists()
