"""Every write to the library: roots, the scanner's results, staff edits, and reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from library.folders import FolderInfo
from library.models import Circle, Review, Root, Scan, Tag, Track, VoiceActor, Work, va_id

if TYPE_CHECKING:
    from accounts.models import User

# What a rescan may refresh; staff edits to any of these (see Work.edited_fields) are kept.
SCANNED_FIELDS = ("title", "circle", "nsfw", "release", "price", "dl_count", "cover", "tags", "vas")
STAFF_EDITABLE = {*SCANNED_FIELDS, "review_count", "rate_count", "rate_average_2dp", "rate_count_detail", "rank"}


def roots_sync_from_settings() -> list[Root]:
    """Create or update the roots named in LIBRARY_ROOTS (`name=/path,…`); roots made in the admin stay."""
    for name, path in settings.LIBRARY_ROOTS.items():
        Root.objects.update_or_create(name=name, defaults={"path": path})
    return list(Root.objects.all())


def root_save(root: Root) -> Root:
    root.full_clean()
    root.save()
    return root


@transaction.atomic
def work_store(root: Root, info: FolderInfo, fingerprint: tuple[int, int]) -> tuple[Work, bool]:
    """Create or refresh a work from what its folder holds; fields staff edited are left alone. True if new."""
    work = Work.objects.select_for_update().filter(code=info.code).first()
    created = work is None
    if work is None:
        work = Work(code=info.code)
    kept = set(work.edited_fields or [])
    circle, _ = Circle.objects.get_or_create(name=info.circle)
    values: dict[str, Any] = {
        "title": info.title, "circle": circle, "nsfw": info.nsfw, "release": info.release, "price": info.price,
        "dl_count": info.dl_count, "cover": info.cover,
    }  # fmt: skip
    for field, value in values.items():
        if created or field not in kept:
            setattr(work, field, value)
    work.root, work.dir, work.available = root, info.dir, True
    work.folder_mtime_ns, work.folder_size, work.scanned_at = fingerprint[0], fingerprint[1], timezone.now()
    work.save()
    if created or "tags" not in kept:
        work.tags.set([Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(info.tags)])
    if created or "vas" not in kept:
        vas = [VoiceActor.objects.get_or_create(id=va_id(name), defaults={"name": name})[0] for name in info.vas]
        work.vas.set(vas)
    work.tracks.all().delete()
    Track.objects.bulk_create(
        Track(work=work, path=t.path, title=t.title, duration_seconds=t.duration_seconds, mime_type=t.mime_type,
              size=t.size, lyrics=t.lyrics, sort_order=n)
        for n, t in enumerate(info.tracks)
    )  # fmt: skip
    return work, created


def works_mark_seen(codes: list[str]) -> int:
    """Works found again after being missing are available again (their reviews never went away)."""
    return Work.objects.filter(code__in=codes, available=False).update(available=True, updated_at=timezone.now())


def works_mark_missing(works: list[Work]) -> int:
    """Works whose folder is gone: unavailable, kept with their reviews until they come back."""
    return Work.objects.filter(pk__in=[w.pk for w in works]).update(available=False, updated_at=timezone.now())


def work_edit(work: Work, **changes: Any) -> Work:
    """A staff edit: the changed fields are remembered, so a rescan never overwrites them."""
    unknown = set(changes) - STAFF_EDITABLE
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for field, value in changes.items():
            if field in ("tags", "vas"):
                getattr(work, field).set(value)
            else:
                setattr(work, field, value)
        work.edited_fields = sorted(set(work.edited_fields or []) | set(changes))
        work.full_clean(exclude=["tags", "vas"])
        work.save()
    return work


def scan_start(*, dry_run: bool) -> Scan:
    return Scan.objects.create(dry_run=dry_run)


def scan_update(scan: Scan, **fields: Any) -> None:
    for field, value in fields.items():
        setattr(scan, field, value)
    scan.save(update_fields=list(fields))


def scan_finish(scan: Scan, status: str, message: str = "") -> Scan:
    scan.status, scan.message, scan.finished_at = status, message, timezone.now()
    scan.save(update_fields=["status", "message", "finished_at"])
    return scan


def review_save(*, user: User, work: Work, **fields: Any) -> Review:
    """Create or change the user's review of a work (rating 1-5, words, progress)."""
    if user.is_guest:
        raise ValidationError("Guest accounts are read-only.")
    allowed = {"rating", "review_text", "progress"}
    if set(fields) - allowed:
        raise ValueError(f"Not a review field: {', '.join(sorted(set(fields) - allowed))}")
    review = Review.objects.filter(user=user, work=work).first() or Review(user=user, work=work)
    for field, value in fields.items():
        setattr(review, field, value)
    review.full_clean(validate_unique=False)
    review.save()
    return review
