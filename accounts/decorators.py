"""View decorators for the account pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.principals import signed_in
from accounts.services import GUEST_READ_ONLY


def writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and refuses changes (POST) from guests with a page that says why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and signed_in(request).is_guest:
            return render(request, "accounts/read_only.html", {"message": GUEST_READ_ONLY}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as staff; anyone else signed in gets 403 (the admin's own decorator would send them to its login)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied(_("Only staff can see this."))
        return view(request, *args, **kwargs)

    return wrapper
