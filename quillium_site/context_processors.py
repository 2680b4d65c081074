"""Template context every page needs: the navigation (apps add their own context, e.g. accounts' theme)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> list[dict[str, str]]:
    """Apps opt into the top navigation with `nav_label` and `nav_url_name` on their AppConfig (and
    `nav_staff_only` for operators' areas)."""
    is_staff = getattr(getattr(request, "user", None), "is_staff", False)
    items = []
    for config in apps.get_app_configs():
        label = getattr(config, "nav_label", None)
        if label and (is_staff or not getattr(config, "nav_staff_only", False)):
            items.append({"label": label, "url": reverse(getattr(config, "nav_url_name", "home")), "app": config.label})
    return items


@functools.cache
def catalog_version() -> str:
    """Changes whenever a deploy brings other compiled catalogs (their sizes and times), to bust browser caches."""
    stamps = sorted(
        f"{mo.name}{mo.stat().st_size}{mo.stat().st_mtime_ns}" for mo in Path(settings.LOCALE_PATHS[0]).rglob("*.mo")
    )
    return hashlib.sha256("".join(stamps).encode()).hexdigest()[:12]


def site(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": navigation(request), "catalog_version": catalog_version(), "languages": settings.LANGUAGES}
