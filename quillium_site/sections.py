"""Sections apps add to other apps' pages, so a page can show them without importing those apps."""

from __future__ import annotations

from typing import Any

from django.apps import apps


def app_sections(hook: str, *args: Any) -> list[dict[str, Any]]:
    """`{"template", "context"}` from every AppConfig with a method named `hook` (settings_section, memo_section,
    diary_section), called with `args`; pages include each template with its context as `ctx`."""
    return [getattr(config, hook)(*args) for config in apps.get_app_configs() if hasattr(config, hook)]
