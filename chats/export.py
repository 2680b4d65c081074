"""A chat as a file a person can keep: Markdown to read, JSON to re-import or process."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.text import slugify

from chats.models import Chat


def as_markdown(chat: Chat) -> str:
    lines = [
        f"# {chat.title}",
        "",
        f"_Model: {chat.model or 'default'} · started {chat.created_at:%Y-%m-%d %H:%M} UTC_",
        "",
    ]
    if chat.system_prompt:
        lines += ["> **System:** " + chat.system_prompt.replace("\n", "\n> "), ""]
    for message in chat.messages.all():
        heading = "You" if message.role == "user" else (message.model or "Assistant")
        lines += [f"## {heading}", "", message.content or "_(empty)_", ""]
        if message.status != "complete":
            lines += [f"_({message.status}{': ' + message.error if message.error else ''})_", ""]
    return "\n".join(lines)


def as_json(chat: Chat) -> dict:
    return {
        "title": chat.title,
        "model": chat.model,
        "system_prompt": chat.system_prompt,
        "created_at": chat.created_at.isoformat(),
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
                "created_at": message.created_at.isoformat(),
            }
            for message in chat.messages.all()
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
