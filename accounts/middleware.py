"""Per-user preferences applied to every page: time zone and language."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.services import user_settings_for


class UserPreferencesMiddleware:
    """Loads `request.user_settings` for signed-in page requests and activates their time zone and language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user_settings = None
        # API clients carry their own context; don't spend a query on them.
        if request.path.startswith("/api/") or not request.user.is_authenticated:
            return self.get_response(request)
        preferences = user_settings_for(request.user)
        request.user_settings = preferences
        timezone.activate(zoneinfo.ZoneInfo(preferences.timezone))
        translation.activate(preferences.language)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            translation.deactivate()
