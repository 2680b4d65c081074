"""Sections apps add to other apps' pages, so a page can show them without importing those apps."""

from __future__ import annotations

from typing import Any

from django.apps import apps


def app_hooks(hook: str, *args: Any) -> list[Any]:
    """What every AppConfig with a method named `hook` answers, called with `args` (how an app offers something to
    apps that may not import it, e.g. `notes_for` lets chats ask memos for the user's notes)."""
    return [getattr(config, hook)(*args) for config in apps.get_app_configs() if hasattr(config, hook)]


def app_sections(hook: str, *args: Any) -> list[dict[str, Any]]:
    """`{"template", "context"}` from every AppConfig with a method named `hook` (settings_section, memo_section,
    diary_section), called with `args`; pages include each template with its context as `ctx`."""
    return app_hooks(hook, *args)
