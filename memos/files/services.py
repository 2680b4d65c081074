"""Every write to attachments (resources): uploads and imports (their type detected from their bytes, never the
client's word), attaching, deleting, and signed download links."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts import site_settings
from memos.models import (
    Memo,
    Resource,
)
from quillium_site.files import limits, sniff, transactions

if TYPE_CHECKING:
    from accounts.models import User


class UploadRefused(ValidationError):
    """An upload too large, or whose declared type contradicts its content."""


def resource_upload(*, owner: User, upload: UploadedFile, memo: Memo | None = None) -> Resource:
    """Store an uploaded file; its type is detected from its bytes, never taken from the client."""
    size = upload.size or 0
    _check_size(size)
    if memo is not None and memo.owner_id != owner.pk:
        raise ValidationError({"memo": _("No such memo.")})
    upload.seek(0)
    detected = sniff.detect(upload.read(sniff.SNIFF_BYTES), upload)
    if sniff.declared_type_lies(upload.content_type or "", detected.mime_type):
        raise UploadRefused(
            {
                "file": _("The file says it is %(content_type)s but its content is %(mime_type)s.")
                % {"content_type": upload.content_type, "mime_type": detected.mime_type}
            }
        )
    return _resource_store(owner, memo, upload.name or "", upload, size, detected)


def resource_import(*, owner: User, memo: Memo, filename: str, content: File, metadata: dict[str, Any]) -> Resource:
    """Store an attachment from an export: held to the upload limit, its type detected from its bytes (the
    export's metadata only fills in what detection can't tell)."""
    size = content.size or 0
    _check_size(size)
    content.seek(0)
    detected = sniff.detect(content.read(sniff.SNIFF_BYTES), content)
    if not detected.metadata and metadata:
        detected = dataclasses.replace(detected, metadata=metadata)
    return _resource_store(owner, memo, filename, content, size, detected)


def _check_size(size: int) -> None:
    limits.check_size(size, site_settings.get("upload_max_bytes"), refuse=UploadRefused)


def _resource_store(
    owner: User, memo: Memo | None, filename: str, content: File, size: int, detected: sniff.Detected
) -> Resource:
    resource = Resource(
        owner=owner,
        memo=memo,
        filename=get_valid_filename(filename)[:255] or "file",
        resource_type=detected.kind,
        mime_type=detected.mime_type,
        file_size=size,
        storage_type=storage_type(),
        metadata=detected.metadata,
        is_deleted=bool(memo and memo.is_deleted),
    )
    content.seek(0)
    resource.file.save(resource.filename, content, save=False)
    name = resource.file.name or ""
    transactions.remember(name)
    try:
        with transaction.atomic():
            resource.save()
    except BaseException:
        default_storage.delete(name)  # the row never existed: neither may its file
        raise
    return resource


def storage_type() -> str:
    """A short name of the storage backend that holds new files (`local`, `s3`)."""
    backend = default_storage.__class__.__name__
    return {"FileSystemStorage": "local", "S3Storage": "s3"}.get(backend, backend)


def resource_attach(resource: Resource, memo: Memo) -> Resource:
    """Attach a resource to one of its owner's memos."""
    if memo.owner_id != resource.owner_id:
        raise ValidationError({"memo": _("No such memo.")})
    resource.memo = memo
    resource.is_deleted = memo.is_deleted
    resource.save(update_fields=["memo", "is_deleted", "updated_at"])
    return resource


def resource_delete(resource: Resource) -> None:
    """Delete an attachment and its file for good."""
    name = resource.file.name or ""
    resource.delete()
    transaction.on_commit(lambda: default_storage.delete(name), robust=True)


def resource_signed_token(resource: Resource) -> str:
    """A token that lets anyone holding it download the file for LINK_SECONDS (share without signing in)."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(resource.pk))


def resource_from_token(token: str) -> Resource | None:
    try:
        resource_id = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_SECONDS)
    except signing.BadSignature:
        return None
    return Resource.objects.filter(pk=resource_id, is_deleted=False).first()


LINK_SALT = "memos.resource-link"
LINK_SECONDS = 3600
