"""Per-user preferences applied to every page: time zone and language."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.principals import signed_in
from accounts.services import user_settings_for


class UserPreferencesMiddleware:
    """Activates the time zone and language of the signed-in user for page requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # API clients carry their own context; don't spend a query on them.
        if request.path.startswith("/api/") or not request.user.is_authenticated:
            return self.get_response(request)
        user = signed_in(request)
        preferences = user_settings_for(user)  # loaded with the user: no query of its own
        timezone.activate(zoneinfo.ZoneInfo(preferences.timezone))
        # A shared guest account, or a person who hasn't chosen, has no language of its own: LocaleMiddleware's stands.
        if preferences.language and not user.is_guest:
            translation.activate(preferences.language)
            request.LANGUAGE_CODE = preferences.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            translation.deactivate()
