"""Template context from the accounts app: the signed-in user's theme."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User
from accounts.services import user_settings_for


def theme(request: HttpRequest) -> dict[str, str]:
    user = getattr(request, "user", None)
    preferences = user_settings_for(user) if isinstance(user, User) else None
    return {"theme": preferences.theme if preferences else "system"}
