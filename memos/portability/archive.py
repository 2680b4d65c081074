"""Take your notes with you: one zip with `quillium.json` (memos with their history, attachments' details,
diaries) and the attachment files under `files/`. Importing it into any account recreates everything with new
ids, so a user can leave a server or move to another one."""

from __future__ import annotations

import json
import tempfile
import zipfile
import zlib
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import site_settings
from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.models import Diary, Memo
from memos.notes import services
from memos.portability.schema import FORMAT, VERSION, ManifestShape, first_error
from quillium_site.api.parsers import json_depth_exceeds
from quillium_site.files import transactions

if TYPE_CHECKING:
    from accounts.models import User

MAX_MANIFEST_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 100  # unpacked : packed, for the whole archive
RATIO_FLOOR = 1024 * 1024  # small archives may compress well without harm
CHUNK = 1024 * 1024
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
        "visibility": memo.visibility,
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
                "visibility": revision.visibility,
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
    """Add everything in an export zip to `user`'s account (new ids, same content, dates and history), through
    memos.notes.services like any other write. All or nothing: on any problem the database is rolled back, the files
    already stored are removed, and a ValidationError says what was wrong.

    A zip is untrusted input: it is refused past MAX_ENTRIES entries, past the `import_max_bytes` site setting
    unpacked, or when it unpacks to more than MAX_RATIO times its size; every entry is read in chunks against
    its own limit (the headers may lie) and every manifest field is checked before it is used."""
    try:
        with transactions.atomic_with_files():
            return _import(user, source)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        raise ValidationError(_("The export is damaged or can't be unpacked (%(exc)s).") % {"exc": exc}) from None


class _Unpacker:
    """Reads entries of a checked archive, counting every byte against the whole import's allowance."""

    def __init__(self, source: IO[bytes]) -> None:
        try:
            self.archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ValidationError(_("This is not a Quillium export (a zip with quillium.json).")) from None
        entries = self.archive.infolist()
        self.allowance = site_settings.get("import_max_bytes")
        if len(entries) > MAX_ENTRIES:
            raise ValidationError(
                _("The export holds %(entries)s entries; at most %(limit)s are allowed.")
                % {"entries": format(len(entries), ","), "limit": format(MAX_ENTRIES, ",")}
            )
        unpacked = sum(entry.file_size for entry in entries)
        packed = sum(entry.compress_size for entry in entries)
        if unpacked > self.allowance:
            raise ValidationError(
                _("The export unpacks to %(unpacked)s bytes; this server imports at most %(allowance)s.")
                % {"unpacked": format(unpacked, ","), "allowance": format(self.allowance, ",")}
            )
        if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
            raise ValidationError(
                _("The export unpacks to more than %(ratio)s times its size; it is refused.") % {"ratio": MAX_RATIO}
            )

    def read(self, name: str, limit: int, missing: str) -> tuple[IO[bytes], int]:
        """Entry `name` in a temporary file, and its size; refused past `limit` bytes."""
        try:
            entry = self.archive.getinfo(name)
        except KeyError:
            raise ValidationError(missing) from None
        if entry.file_size > limit:
            raise ValidationError(
                _("%(name)s unpacks to %(file_size)s bytes; at most %(limit)s are allowed.")
                % {"name": name, "file_size": format(entry.file_size, ","), "limit": format(limit, ",")}
            )
        spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 - handed to the caller
        size = 0
        with self.archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                self.allowance -= len(chunk)
                if size > limit or self.allowance < 0:
                    raise ValidationError(
                        _("%(name)s unpacks to more than its header says; the export is refused.") % {"name": name}
                    )
                spool.write(chunk)
        spool.seek(0)
        return spool, size


def _import(user: User, source: IO[bytes]) -> dict[str, int]:
    unpacker = _Unpacker(source)
    manifest = _manifest(unpacker)
    upload_limit = site_settings.get("upload_max_bytes")
    counts = {"memos": 0, "revisions": 0, "files": 0, "diaries": 0}
    for item in manifest["memos"]:
        attachments = item.pop("resources")
        memo = services.memo_import(owner=user, tags_given=item.pop("tags"), **item)
        for data in attachments:
            spool, size = unpacker.read(
                f"files/{data['id']}", upload_limit, f"The export lacks the file of attachment {data['filename']!r}."
            )
            content = File(spool, name=data["filename"])
            content.size = size
            file_services.resource_import(
                owner=user, memo=memo, filename=data["filename"], content=content, metadata=data["metadata"]
            )
            counts["files"] += 1
        counts["memos"] += 1
        counts["revisions"] += len(item["revisions"]) or 1
    for data in manifest["diaries"]:
        diary_services.diary_import(owner=user, day=data.pop("date"), **data)
        counts["diaries"] += 1
    return counts


def _manifest(unpacker: _Unpacker) -> dict[str, Any]:
    missing = "This is not a Quillium export (a zip with quillium.json)."
    spool, _size = unpacker.read("quillium.json", MAX_MANIFEST_BYTES, missing)
    try:
        data = json.load(spool)
    except (ValueError, RecursionError):
        raise ValidationError(_("The export's quillium.json is not valid JSON.")) from None
    if json_depth_exceeds(data):
        raise ValidationError(_("The export's quillium.json nests too deep."))
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        found = (data.get("format"), data.get("version")) if isinstance(data, dict) else (None, None)
        raise ValidationError(
            _("Unsupported export format %(format)s version %(version)s.")
            % {"format": repr(found[0]), "version": repr(found[1])}
        )
    shape = ManifestShape(data=data)
    if not shape.is_valid():
        raise ValidationError(
            _("The export is invalid at %(first_error)s") % {"first_error": first_error(shape.errors)}
        )
    return shape.validated_data
