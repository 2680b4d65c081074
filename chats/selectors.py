"""Reads for the chat pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, QuerySet

from ai.models import AIConfig
from chats import threads
from chats.models import Chat, Message

if TYPE_CHECKING:
    from accounts.models import User


def conversation(user: User, chat_id: int) -> tuple[Chat, list[Message]]:
    """A chat of `user` and its shown conversation (threads.active_path), in one query (the read before every
    reply: the chat LEFT JOIN its messages); Chat.DoesNotExist for a chat that isn't theirs."""
    from chats.services import TREE_FIELDS

    chat_columns = [field.attname for field in Chat._meta.concrete_fields]
    # from_db takes values in the model's field order
    message_columns = [f.attname for f in Message._meta.concrete_fields if f.attname in {*TREE_FIELDS, "chat_id"}]
    rows = list(
        Chat.objects.filter(pk=chat_id, owner=user)
        .values_list(*chat_columns, *(f"messages__{name}" for name in message_columns))
        .order_by("messages__created_at", "messages__id")
    )
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


def chat_list(user: User, *, search: str = "") -> QuerySet[Chat]:
    """The user's chats for the list page: pinned first, then most recent, with message counts."""
    return (
        Chat.objects.visible_to(user)
        .search(search)
        .select_related("folder")
        .annotate(message_count=Count("messages"))
        .order_by(*(Chat._meta.ordering or ()))
    )


SIDEBAR_RECENT = 50


def sidebar(user: User) -> dict[str, object]:
    """The chat list beside a conversation: pinned chats, each folder with its chats, then the latest unfiled ones
    (two queries whatever the number of folders)."""
    from chats.models import Folder

    chats = list(Chat.objects.visible_to(user).only("id", "title", "pinned", "folder_id", "updated_at")[:300])
    folders = list(Folder.objects.visible_to(user))
    return {
        "pinned": [chat for chat in chats if chat.pinned],
        "folders": [(folder, [c for c in chats if c.folder_id == folder.pk and not c.pinned]) for folder in folders],
        "recent": [chat for chat in chats if not chat.pinned and chat.folder_id is None][:SIDEBAR_RECENT],
    }


def chat_provider_ready() -> bool:
    """Is a chat provider configured at all (the page explains how when not)."""
    return AIConfig.objects.filter(key=AIConfig.Key.CHAT).exists()
