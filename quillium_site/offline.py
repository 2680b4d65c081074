"""Installable and offline: the web app manifest, the service worker (served from the site's root so its scope is
the whole site) and the page it shows for what isn't kept offline.

The service worker (static/quillium/sw.js) keeps the app shell (styles, scripts, icons) and the pages a person uses
most, as they last saw them, in caches named for that person, so a second person signing in on the same browser
gets none of the first's. It caches nothing under /api/, /admin/ or /accounts/, nor any other origin. Signing out
answers `Clear-Site-Data`, which empties every cache and store of the site on that device."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

# Pages kept for offline reading, as the person last saw them (path patterns, JavaScript regex syntax).
OFFLINE_PAGES = [
    r"^/$",
    r"^/memos/$",
    r"^/memos/[0-9a-f-]{36}/$",
    r"^/memos/diary/$",
    r"^/library/mine/$",
    r"^/library/works/\d+/$",
]
# What every page needs, fetched when the service worker installs.
SHELL_ASSETS = [
    "quillium/app.css",
    "quillium/app.js",
    "quillium/navigate.js",
    "quillium/offline.js",
    "quillium/offline-page.js",
    "quillium/favicon.svg",
    "quillium/icons/icon-192.png",
    "library/player.js",
]
THEME_COLOUR = "#3b5bdb"
DARK_BACKGROUND = "#16181d"


def person_key(user: object) -> str:
    """Names a signed-in person's offline caches on a device: stable, and not their id."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("quillium.offline.person", str(user.pk), algorithm="sha256").hexdigest()[:20]  # type: ignore[attr-defined]


@cache_control(max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static(f"quillium/icons/{name}.png"), "sizes": size, "type": "image/png", "purpose": purpose}
        for name, size, purpose in (("icon-192", "192x192", "any"), ("icon-512", "512x512", "any"),
                                    ("maskable-512", "512x512", "maskable"))
    ]  # fmt: skip
    body = {
        "name": "Quillium",
        "short_name": "Quillium",
        "description": _("Notes, chats with language models and your audio library, in one place."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("memos:timeline"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@cache
def _worker_source() -> tuple[str, str]:
    """The service worker with its configuration in front, and a version that changes with it or the shell."""
    path = finders.find("quillium/sw.js")
    if not isinstance(path, str):
        raise RuntimeError("quillium/sw.js is missing from the static files")
    source = Path(path).read_text(encoding="utf-8")
    config = {
        "shell": [static(asset) for asset in SHELL_ASSETS],
        "offline": reverse("offline"),
        "pages": OFFLINE_PAGES,
        "never": ["/api/", "/admin/", "/accounts/", "/metrics", "/healthz", "/sw.js"],
        "versioned": ["/static/", "/jsi18n/"],  # named for their content (or ?v=): kept until replaced
    }
    version = hashlib.sha256((source + json.dumps(config)).encode()).hexdigest()[:12]
    return f"self.QUILLIUM = {json.dumps({**config, 'version': version})};\n{source}", version


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """From the root, so the worker may control every page (`Service-Worker-Allowed` says so explicitly)."""
    source, _version = _worker_source()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(max_age=3600)
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it doesn't keep, while there is no network. Nothing personal on
    it: it is cached once for everyone on the device."""
    return render(request, "offline.html", {"theme_colour": THEME_COLOUR})
