"""Library pages and audio. Thin: selectors read, services write, streaming sends bytes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from library import streaming
from library.models import Track


@login_required
def track_stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A track for the household (signed in), with Range for seeking."""
    track = get_object_or_404(Track.objects.select_related("work__root"), pk=pk, work__available=True)
    return streaming.respond(request, track)


def track_signed(request: HttpRequest, token: str) -> HttpResponseBase:
    """A track through a signed link (for players that can't send the session cookie); expires in 6 hours."""
    track = streaming.track_from_token(token)
    if track is None:
        raise Http404("This link is invalid or has expired.")
    return streaming.respond(request, track)
