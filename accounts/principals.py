"""Who a request acts for, typed: code behind a sign-in check gets a `User`, never an `AnonymousUser`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User


def signed_in(request: Any) -> User:
    """The request's user, for views behind login_required or IsAuthenticated (a page or an API request)."""
    user = request.user
    if not isinstance(user, User):  # only reachable if a view forgot its sign-in check: refuse, don't guess
        raise PermissionDenied(_("Sign in first."))
    return user
