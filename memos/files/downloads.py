"""Serving attachments: the detected type, a safe disposition, and no chance to run as a page."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from memos.models import Resource

# Shown in the browser; anything else (SVG and HTML included: they can carry scripts) is downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def resource_response(resource: Resource) -> FileResponse:
    inline = resource.mime_type in INLINE_TYPES or resource.resource_type in {"audio", "video"}
    return stored_file_response(resource.file, resource.mime_type, resource.filename, inline=inline)


def stored_file_response(file: FieldFile, mime_type: str, filename: str, *, inline: bool) -> FileResponse:
    """A stored file (of any app: chats' files too) served so that it can't run as one of our pages."""
    response = FileResponse(file.open("rb"), content_type=mime_type, as_attachment=not inline, filename=filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
