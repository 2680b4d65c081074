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

from quillium_site.offline import person_key


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
    """A hash of the compiled catalogs, to bust browser caches of the script catalog when a deploy changes them.
    From their bytes, not their times: every host compiles its own, and all must name the same version."""
    digest = hashlib.sha256()
    for mo in sorted(Path(settings.LOCALE_PATHS[0]).rglob("*.mo")):
        digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


def shell_parts(request: HttpRequest) -> list[str]:
    """Templates apps add to every signed-in page (`shell_template` on their AppConfig, e.g. the mini-player)."""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return []
    return [part for config in apps.get_app_configs() if (part := getattr(config, "shell_template", None))]


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation(request),
        "catalog_version": catalog_version(),
        "languages": settings.LANGUAGES,
        "shell_parts": shell_parts(request),
        "person_key": person_key(getattr(request, "user", None)),
    }
