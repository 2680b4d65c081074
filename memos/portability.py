"""Take your notes with you: one zip with `quillium.json` (memos with their history, attachments' details,
diaries) and the attachment files under `files/`. Importing it into any account recreates everything with new
ids, so a user can leave a server or move to another one."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from memos import files as file_types
from memos.models import Diary, Memo, MemoRevision, Resource
from memos.services import storage_type

if TYPE_CHECKING:
    from accounts.models import User

FORMAT = "quillium-memos"
VERSION = 1
MAX_MANIFEST_BYTES = 200 * 1024 * 1024
DIARY_FIELDS = ("summary", "mood_key", "mood_score", "generation_source", "auto_generation_locked", "is_deleted")


def export_user(user: User, out: IO[bytes]) -> dict[str, int]:
    """Write the user's memos, revisions, attachments and diaries as a zip to `out`; returns counts."""
    memos = list(Memo.objects.filter(owner=user).order_by("created_at").prefetch_related("revisions", "resources"))
    diaries = list(Diary.objects.filter(owner=user).order_by("date"))
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat()}
    manifest["memos"] = [_memo(memo) for memo in memos]
    manifest["diaries"] = [_diary(diary) for diary in diaries]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("quillium.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for memo in memos:
            for resource in memo.resources.all():
                with resource.file.open("rb") as stored:
                    archive.writestr(f"files/{resource.pk}", stored.read())
    return {
        "memos": len(memos),
        "revisions": sum(len(m["revisions"]) for m in manifest["memos"]),
        "files": sum(len(m["resources"]) for m in manifest["memos"]),
        "diaries": len(diaries),
    }


def _memo(memo: Memo) -> dict[str, Any]:
    return {
        "id": str(memo.pk),
        "content": memo.content,
        "tags": memo.tags,
        "pinned": memo.pinned,
        "is_archived": memo.is_archived,
        "is_deleted": memo.is_deleted,
        "deleted_at": memo.deleted_at.isoformat() if memo.deleted_at else None,
        "diary_date": memo.diary_date.isoformat() if memo.diary_date else None,
        "revision_count": memo.revision_count,
        "created_at": memo.created_at.isoformat(),
        "updated_at": memo.updated_at.isoformat(),
        "revisions": [
            {
                "revision_number": revision.revision_number,
                "content": revision.content,
                "tags": revision.tags,
                "ai_summary": revision.ai_summary,
                "is_deleted": revision.is_deleted,
                "created_at": revision.created_at.isoformat(),
            }
            for revision in sorted(memo.revisions.all(), key=lambda revision: revision.revision_number)
        ],
        "resources": [
            {
                "id": str(resource.pk),
                "filename": resource.filename,
                "mime_type": resource.mime_type,
                "file_size": resource.file_size,
                "metadata": resource.metadata,
                "created_at": resource.created_at.isoformat(),
            }
            for resource in memo.resources.all()
        ],
    }


def _diary(diary: Diary) -> dict[str, Any]:
    return {"date": diary.date.isoformat(), **{key: getattr(diary, key) for key in DIARY_FIELDS}}


def import_user(user: User, source: IO[bytes]) -> dict[str, int]:
    """Add everything in an export zip to `user`'s account (new ids, same content, dates and history).
    All or nothing: on any error the database is rolled back and the files already stored are removed."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            return _import(user, source, saved)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        _forget(saved)
        raise ValidationError(f"The export is damaged or incomplete ({type(exc).__name__}: {exc}).") from exc
    except Exception:
        _forget(saved)
        raise


def _forget(saved: list[str]) -> None:
    for name in saved:
        default_storage.delete(name)


def _import(user: User, source: IO[bytes], saved: list[str]) -> dict[str, int]:
    try:
        archive = zipfile.ZipFile(source)
        info = archive.getinfo("quillium.json")
    except (zipfile.BadZipFile, KeyError):
        raise ValidationError("This is not a Quillium export (a zip with quillium.json).") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ValidationError("The export's quillium.json is too large.")
    manifest = json.loads(archive.read(info))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ValidationError(
            f"Unsupported export format {manifest.get('format')!r} version {manifest.get('version')!r}."
        )
    counts = {"memos": 0, "revisions": 0, "files": 0, "diaries": 0}
    for item in manifest["memos"]:
        memo = Memo.objects.create(
            owner=user,
            content=item["content"],
            tags=item["tags"],
            pinned=item["pinned"],
            is_archived=item["is_archived"],
            is_deleted=item["is_deleted"],
            deleted_at=_datetime(item["deleted_at"]),
            diary_date=date.fromisoformat(item["diary_date"]) if item["diary_date"] else None,
            revision_count=item["revision_count"],
        )
        # auto_now(_add) fields take "now" on create; keep the original dates.
        Memo.objects.filter(pk=memo.pk).update(
            created_at=_datetime(item["created_at"]), updated_at=_datetime(item["updated_at"])
        )
        revisions = MemoRevision.objects.bulk_create(
            MemoRevision(
                memo=memo,
                user=user,
                revision_number=revision["revision_number"],
                content=revision["content"],
                tags=revision["tags"],
                ai_summary=revision["ai_summary"],
                is_deleted=revision["is_deleted"],
            )
            for revision in item["revisions"]
        )
        # bulk_update writes the values as given (no auto_now_add), in one statement.
        for revision, data in zip(revisions, item["revisions"], strict=True):
            revision.created_at = _datetime(data["created_at"])
        MemoRevision.objects.bulk_update(revisions, ["created_at"])
        for data in item["resources"]:
            _import_file(user, memo, archive, data, saved)
            counts["files"] += 1
        counts["memos"] += 1
        counts["revisions"] += len(revisions)
    for data in manifest["diaries"]:
        values = {key: data[key] for key in DIARY_FIELDS}
        Diary.objects.update_or_create(owner=user, date=date.fromisoformat(data["date"]), defaults=values)
        counts["diaries"] += 1
    return counts


def _import_file(user: User, memo: Memo, archive: zipfile.ZipFile, data: dict[str, Any], saved: list[str]) -> None:
    try:
        content = archive.read(f"files/{data['id']}")
    except KeyError:
        raise ValidationError(f"The export lacks the file of attachment {data['filename']!r}.") from None
    detected = file_types.detect(content[: file_types.SNIFF_BYTES], io.BytesIO(content))
    resource = Resource(
        owner=user,
        memo=memo,
        filename=data["filename"],
        resource_type=detected.kind,
        mime_type=detected.mime_type,
        file_size=len(content),
        storage_type=storage_type(),
        metadata=detected.metadata or data.get("metadata") or {},
        is_deleted=memo.is_deleted,
    )
    resource.file.save(data["filename"], ContentFile(content), save=False)
    resource.save()
    saved.append(resource.file.name)


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
