"""Memo pages. (The timeline, editor and diary pages come next; for now: signed file links.)"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from memos.downloads import resource_response
from memos.services import resource_from_token


def signed_file(request: HttpRequest, token: str) -> HttpResponse:
    """Download through a signed, expiring link (no sign-in needed)."""
    resource = resource_from_token(token)
    if resource is None:
        raise Http404("This link is invalid or has expired.")
    return resource_response(resource)
