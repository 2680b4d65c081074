"""A chat as a file a person can keep: Markdown to read, JSON to re-import or process."""

from __future__ import annotations

import json
import zoneinfo
from datetime import datetime

from django.http import HttpResponse
from django.utils.text import slugify

from accounts.services import user_settings_for
from chats.models import Chat, Message
from chats.services import chat_path


def _zone(chat: Chat) -> zoneinfo.ZoneInfo:
    """The owner's time zone: an export is read by its owner, whatever server or API client made it."""
    return zoneinfo.ZoneInfo(user_settings_for(chat.owner).timezone)


def _models_used(messages: list[Message]) -> list[str]:
    """The models that actually wrote the replies, not the chat's setting."""
    return list(dict.fromkeys(m.model for m in messages if m.role == Message.Role.ASSISTANT and m.model))


def _when(moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


def as_markdown(chat: Chat) -> str:
    zone = _zone(chat)
    messages = chat_path(chat, with_files=True)
    models = ", ".join(_models_used(messages)) or chat.model or "the default model"
    lines = [
        f"# {chat.title}",
        "",
        f"_Model: {models} · started {_when(chat.created_at, zone)}_",
        "",
    ]
    if chat.system_prompt:
        lines += ["> **System:** " + chat.system_prompt.replace("\n", "\n> "), ""]
    for message in messages:
        heading = "You" if message.role == "user" else (message.model or "Assistant")
        lines += [f"## {heading} · {message.created_at.astimezone(zone):%H:%M}", "", message.content or "_(empty)_", ""]
        if files := [attachment.filename for attachment in message.files.all()]:
            lines += ["_Attached: " + ", ".join(files) + "_", ""]
        if message.status != "complete":
            lines += [f"_({message.status}{': ' + message.error if message.error else ''})_", ""]
    return "\n".join(lines)


def as_json(chat: Chat) -> dict:
    zone = _zone(chat)
    messages = chat_path(chat, with_files=True)
    return {
        "title": chat.title,
        "model": chat.model,
        "models_used": _models_used(messages),
        "system_prompt": chat.system_prompt,
        "time_zone": zone.key,
        "created_at": chat.created_at.astimezone(zone).isoformat(),
        "messages": [
            {
                "role": message.role,
                "content": message.content,
                "status": message.status,
                "error": message.error,
                "model": message.model,
                "tokens": message.tokens,
                "prompt_tokens": message.prompt_tokens,
                "tokens_estimated": message.tokens_estimated,
                "files": [
                    {"filename": f.filename, "kind": f.kind, "mime_type": f.mime_type, "size": f.file_size}
                    for f in message.files.all()
                ],
                "created_at": message.created_at.astimezone(zone).isoformat(),
            }
            for message in messages
        ],
    }


def download(chat: Chat, kind: str) -> HttpResponse:
    """An attachment response with the chat as `markdown` or `json`."""
    name = slugify(chat.title) or f"chat-{chat.pk}"
    if kind == "json":
        body = json.dumps(as_json(chat), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = HttpResponse(as_markdown(chat), content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.md"'
    return response
