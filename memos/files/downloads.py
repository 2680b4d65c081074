"""Serving attachments: the detected type, a safe disposition, and no chance to run as a page."""

from __future__ import annotations

from django.http import FileResponse

from memos.models import Resource

# Shown in the browser; anything else (SVG and HTML included: they can carry scripts) is downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def resource_response(resource: Resource) -> FileResponse:
    inline = resource.mime_type in INLINE_TYPES or resource.resource_type in {"audio", "video"}
    response = FileResponse(
        resource.file.open("rb"),
        content_type=resource.mime_type,
        as_attachment=not inline,
        filename=resource.filename,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
