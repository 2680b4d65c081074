"""Where a form goes back to: its `next` field, when that is a page of this site (else anyone could build a link
that signs you in, or changes your theme, and sends you on to their site)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def posted_next(request: HttpRequest, default: str) -> str:
    """The POSTed `next` if it is on this site (and HTTPS when this request is), else `default`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and safe else default
