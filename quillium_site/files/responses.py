"""Serving stored files (memos' attachments, chats' files): the detected type, a safe disposition, and no chance
to run as one of our pages."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

# Shown in the browser; anything else (SVG and HTML included: they can carry scripts) is downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def stored_file_response(file: FieldFile, mime_type: str, filename: str, *, inline: bool) -> FileResponse:
    response = FileResponse(file.open("rb"), content_type=mime_type, as_attachment=not inline, filename=filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
