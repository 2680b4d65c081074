"""Audio out of the library: HTTP Range (seeking), never a byte outside a root, signed links for players, and an
X-Accel-Redirect / X-Sendfile hand-off to the web server in production (LIBRARY_SENDFILE)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from library.models import Track, Work

LINK_SALT = "library.track"
LINK_SECONDS = 6 * 3600
CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def work_file(work: Work, relative: str) -> Path:
    """A file of the work (track, cover, lyrics), resolved; Http404 when it would leave its root (`..`, a link
    pointing out) or is gone."""
    root = Path(work.root.path).resolve()
    path = (root / work.dir / relative).resolve()
    if not relative or not path.is_relative_to(root) or not path.is_file():
        raise Http404(_("No such file."))
    return path


def file_of(track: Track) -> Path:
    return work_file(track.work, track.path)


def cover(work: Work) -> FileResponse:
    """The work's cover image, cached by the browser for a day (a rescan may change it)."""
    path = work_file(work, work.cover)
    response = FileResponse(path.open("rb"), content_type=mimetypes.guess_type(path.name)[0] or "image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def signed_token(track: Track) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(track.pk))


def signed_url(track: Track) -> str:
    return reverse("library:track-signed", args=[signed_token(track)])


def track_from_token(token: str) -> Track | None:
    try:
        track_id = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_SECONDS)
    except signing.BadSignature:
        return None
    return Track.objects.select_related("work__root").filter(pk=track_id, work__available=True).first()


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) for a single `bytes=` range; None when there is no usable one (then: the whole file)."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    start, end = match.groups()
    if start == "":  # the last N bytes
        length = _position(end)
        return (max(size - length, 0), size - 1) if length else (size, size - 1)
    first = _position(start)
    if end and _position(end) < first:  # not a valid range (RFC 9110 §14.1.1): the header is ignored
        return None
    last = min(_position(end), size - 1) if end else size - 1
    return first, last


BEYOND_ANY_FILE = 10**18


def _position(digits: str) -> int:
    """A byte position from the header; one of thousands of digits (past int()'s limit) is just past the end."""
    return int(digits) if len(digits) < 18 else BEYOND_ANY_FILE


def _chunks(handle: IO[bytes], remaining: int) -> Iterator[bytes]:
    with handle:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


def respond(request: HttpRequest, track: Track) -> HttpResponse | FileResponse | StreamingHttpResponse:
    """The track's bytes: all (200), a range (206), or 416 for a range past the end."""
    path = file_of(track)
    size = path.stat().st_size
    sendfile = getattr(settings, "LIBRARY_SENDFILE", "")
    if sendfile:
        return _handed_off(track, path, sendfile)
    header = request.headers.get("Range", "")
    wanted = _byte_range(header, size) if header else None
    if wanted is not None:
        first, last = wanted
        if first >= size or first > last:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        handle = path.open("rb")
        handle.seek(first)
        response = StreamingHttpResponse(_chunks(handle, last - first + 1), status=206, content_type=track.mime_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = FileResponse(path.open("rb"), content_type=track.mime_type)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _handed_off(track: Track, path: Path, mode: str) -> HttpResponse:
    """Let nginx (X-Accel-Redirect to LIBRARY_ACCEL_PREFIX/<root>/…) or Apache/lighttpd (X-Sendfile) send it."""
    response = HttpResponse(content_type=track.mime_type)
    if mode == "nginx":
        relative = path.relative_to(Path(track.work.root.path).resolve()).as_posix()
        prefix = getattr(settings, "LIBRARY_ACCEL_PREFIX", "/library-files").rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{track.work.root.name}/{relative}")
    else:
        response["X-Sendfile"] = str(path)
    response["Accept-Ranges"] = "bytes"
    return response
