"""Serving attachments: inline when the browser may show them safely, else downloaded."""

from __future__ import annotations

from django.http import FileResponse

from memos.models import Resource
from quillium_site.files.responses import INLINE_TYPES, stored_file_response


def resource_response(resource: Resource) -> FileResponse:
    inline = resource.mime_type in INLINE_TYPES or resource.resource_type in {"audio", "video"}
    return stored_file_response(resource.file, resource.mime_type, resource.filename, inline=inline)
