"""Who may do what through the API."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import ApiKey
from accounts.principals import signed_in
from accounts.services import GUEST_READ_ONLY


def may_write(request: Request) -> bool:
    """Whether this request's principal may change anything: not a guest, not a read-only API key."""
    if isinstance(request.auth, ApiKey) and not request.auth.can_write:
        return False
    return request.user.is_authenticated and not request.user.is_guest


class IsAuthenticatedAndMayWrite(permissions.IsAuthenticated):
    """Signed in; writes refused to guests and to read-only API keys (the default for every endpoint)."""

    message = GUEST_READ_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiKey) and not request.auth.can_write:
            self.message = "This API key is read-only."
            return False
        self.message = GUEST_READ_ONLY
        return not signed_in(request).is_guest


class NotWithApiKey(permissions.BasePermission):
    """Managing API keys needs a password-backed session or token, so a leaked key can't mint more keys."""

    message = "API keys can't manage API keys; sign in with a password or a JWT."

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.auth, ApiKey)
