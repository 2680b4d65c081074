"""Every write to the library: roots, the scanner's results, staff edits, and reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from library import selectors
from library.folders import FolderInfo
from library.models import (
    Bookmark,
    Circle,
    Favourite,
    ListenerSettings,
    Playback,
    Playlist,
    PlaylistItem,
    Review,
    Root,
    Scan,
    Tag,
    Track,
    VoiceActor,
    Work,
    va_id,
)
from library.scan_lock import scan_lock_free
from quillium_site import queue
from quillium_site.errors import Conflict

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
    circle = Circle.objects.get_or_create(name=info.circle)[0] if info.circle else None
    values: dict[str, Any] = {
        "title": info.title, "circle": circle, "nsfw": info.nsfw, "release": info.release, "price": info.price,
        "dl_count": info.dl_count, "cover": info.cover, **info.store,
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
    _tracks_sync(work, info)
    return work, created


def voice_actor_create(name: str) -> VoiceActor:
    """The voice actor of that name (kikoeru's id: UUID v5 of the name), made if new."""
    name = _va_name(name)
    return VoiceActor.objects.get_or_create(id=va_id(name), defaults={"name": name})[0]


@transaction.atomic
def voice_actor_rename(actor: VoiceActor, name: str) -> VoiceActor:
    """Rename a voice actor: its id follows the name (kikoeru looks actors up by it), so the row is re-keyed and
    its works move with it; renamed to an actor who exists already, the two become one."""
    name = _va_name(name)
    if name == actor.name:
        return actor
    target = VoiceActor.objects.filter(id=va_id(name)).first() or VoiceActor.objects.create(id=va_id(name), name=name)
    through = Work.vas.through
    linked = through.objects.filter(voiceactor_id=target.pk).values("work_id")
    through.objects.filter(voiceactor_id=actor.pk).exclude(work_id__in=linked).update(voiceactor_id=target.pk)
    VoiceActor.objects.filter(pk=actor.pk).delete()  # with links to works the target already had
    return target


def _va_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("A voice actor needs a name.")})
    return name


def _tracks_sync(work: Work, info: FolderInfo) -> None:
    """Tracks updated in place by path, so their ids (in resume positions and signed links) survive a rescan."""
    existing = {track.path: track for track in work.tracks.all()}
    fields = ["title", "duration_seconds", "mime_type", "size", "lyrics", "sort_order"]
    keep: list[Track] = []
    new: list[Track] = []
    for n, found in enumerate(info.tracks):
        track = existing.pop(found.path, None) or Track(work=work, path=found.path)
        track.title, track.duration_seconds, track.mime_type = found.title, found.duration_seconds, found.mime_type
        track.size, track.lyrics, track.sort_order = found.size, found.lyrics, n
        (keep if track.pk else new).append(track)
    Track.objects.filter(pk__in=[track.pk for track in existing.values()]).delete()
    Track.objects.bulk_update(keep, fields)
    Track.objects.bulk_create(new)


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


def scan_start(*, dry_run: bool, record: Scan | None = None) -> Scan:
    """The scan's record, now running (a queued one from `scan_request`, or a new one)."""
    if record is None:
        return Scan.objects.create(dry_run=dry_run)
    scan_update(record, status=Scan.Status.RUNNING)
    return record


QUEUED_PATIENCE = timedelta(minutes=30)
QUEUE_LOCK_KEY = 0x4B494B51  # "KIKQ"; the scan itself holds scan_lock.LOCK_KEY


def _stale(scan: Scan, lock_free: bool) -> bool:
    """A running scan nobody holds the lock for died with its worker; a queued one left for long never started."""
    if scan.status == Scan.Status.RUNNING:
        return lock_free
    return lock_free and scan.started_at < timezone.now() - QUEUED_PATIENCE


class ScanAlreadyQueued(Conflict):
    """A scan is queued or running already; one at a time."""

    code = "scan_queued"


def scan_request(*, user: User | None, dry_run: bool = False) -> Scan:
    """Queue a scan for the worker (the staff page's button): its record shows the progress from the start."""
    with transaction.atomic():
        # Two clicks at once queue one scan, not two (a lock held until this transaction ends; a row lock would
        # need a row, and the first scan has none to lock).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [QUEUE_LOCK_KEY])
        busy = Scan.objects.filter(status__in=[Scan.Status.QUEUED, Scan.Status.RUNNING]).first()
        if busy is not None and _stale(busy, scan_lock_free()):
            scan_finish(busy, Scan.Status.FAILED, "Interrupted (the worker stopped or never picked it up).")
            busy = None
        if busy is not None:
            queued = busy.status == Scan.Status.QUEUED
            message = (
                _("Scan %(pk)s is queued; wait for it to finish.")
                if queued
                else _("Scan %(pk)s is running; wait for it to finish.")
            )
            raise ScanAlreadyQueued(message % {"pk": busy.pk})
        record = Scan.objects.create(status=Scan.Status.QUEUED, dry_run=dry_run, requested_by=user)
        transaction.on_commit(lambda: queue.enqueue("library.tasks.scan_library", record.pk))
    return record


def scan_update(scan: Scan, **fields: Any) -> None:
    for field, value in fields.items():
        setattr(scan, field, value)
    scan.save(update_fields=list(fields))


def scan_finish(scan: Scan, status: str, message: str = "") -> Scan:
    scan.status, scan.message, scan.finished_at = status, message, timezone.now()
    scan.save(update_fields=["status", "message", "finished_at"])
    return scan


def playback_save(*, user: User, work: Work, track: Track | None, position_seconds: float) -> Playback:
    """Remember where the person is in a work (the player calls this every few seconds and on pause)."""
    if user.is_guest:
        raise ValidationError(_("Guest accounts are read-only."))
    if track is not None and track.work_id != work.pk:
        raise ValidationError(_("That track is not part of this work."))
    if not 0 <= position_seconds < 10**7:
        raise ValidationError(_("The position must be a number of seconds from the start."))
    try:
        with transaction.atomic():
            playback, _created = Playback.objects.update_or_create(
                user=user, work=work, defaults={"track": track, "position_seconds": position_seconds}
            )
    except IntegrityError:  # a scan took the track (or the work) away since it was read
        raise ValidationError(_("That track is no longer in the library.")) from None
    return playback


def listener_settings_set(user: User, *, show_nsfw: bool) -> ListenerSettings:
    if user.is_guest:
        raise ValidationError(_("Guest accounts are read-only."))
    chosen, _created = ListenerSettings.objects.update_or_create(user=user, defaults={"show_nsfw": show_nsfw})
    return chosen


def review_save(*, user: User, work: Work, **fields: Any) -> Review:
    """Create or change the user's review of a work (rating 1-5, words, progress)."""
    if user.is_guest:
        raise ValidationError(_("Guest accounts are read-only."))
    allowed = {"rating", "review_text", "progress"}
    if set(fields) - allowed:
        raise ValueError(f"Not a review field: {', '.join(sorted(set(fields) - allowed))}")
    review = Review.objects.filter(user=user, work=work).first() or Review(user=user, work=work)
    for field, value in fields.items():
        setattr(review, field, value)
    review.full_clean(validate_unique=False)
    review.save()
    return review


# -- playlists and favourites ---------------------------------------------------------------------------


def _writer(user: User) -> None:
    if user.is_guest:
        raise ValidationError(_("Guest accounts are read-only."))


def _playlist_name(owner: User, name: str, playlist: Playlist | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A playlist needs a name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("Playlist names are at most 200 characters.")})
    taken = Playlist.objects.filter(owner=owner, name=name)
    if playlist is not None:
        taken = taken.exclude(pk=playlist.pk)
    if taken.exists():
        raise ValidationError({"name": _("You already have a playlist with this name.")})
    return name


def playlist_create(*, owner: User, name: str, description: str = "") -> Playlist:
    _writer(owner)
    return Playlist.objects.create(owner=owner, name=_playlist_name(owner, name), description=description.strip())


def playlist_update(playlist: Playlist, *, name: str | None = None, description: str | None = None) -> Playlist:
    if name is not None:
        playlist.name = _playlist_name(playlist.owner, name, playlist)
    if description is not None:
        playlist.description = description.strip()
    playlist.save(update_fields=["name", "description", "updated_at"])
    return playlist


def playlist_delete(playlist: Playlist) -> None:
    """Delete a playlist; its tracks and works stay in the library."""
    playlist.delete()


PLAYLIST_MAX_ITEMS = 2000


@transaction.atomic
def playlist_add(playlist: Playlist, tracks: list[Track]) -> list[PlaylistItem]:
    """Put tracks at the end of a playlist, in the order given (only tracks of works its owner may see)."""
    playlist = Playlist.objects.select_for_update().get(pk=playlist.pk)  # one adder at a time: positions stay unique
    visible = set(
        selectors.works_visible_to(playlist.owner)
        .filter(pk__in={t.work_id for t in tracks})
        .values_list("pk", flat=True)
    )
    if any(track.work_id not in visible for track in tracks):
        raise ValidationError({"track": _("No such track.")})
    count = playlist.items.count()
    if count + len(tracks) > PLAYLIST_MAX_ITEMS:
        raise ValidationError(
            {"track": _("A playlist holds at most %(limit)s tracks.") % {"limit": format(PLAYLIST_MAX_ITEMS, ",")}}
        )
    items = PlaylistItem.objects.bulk_create(
        [PlaylistItem(playlist=playlist, track=track, position=count + n) for n, track in enumerate(tracks, start=1)]
    )
    Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())
    return items


@transaction.atomic
def playlist_remove(item: PlaylistItem) -> None:
    """Take one item out; the ones after it move up."""
    Playlist.objects.select_for_update().filter(pk=item.playlist_id).update(updated_at=timezone.now())
    item.delete()
    PlaylistItem.objects.filter(playlist_id=item.playlist_id, position__gt=item.position).update(
        position=F("position") - 1
    )


@transaction.atomic
def playlist_move(item: PlaylistItem, position: int) -> PlaylistItem:
    """Move an item to `position` (1 is the first; past the end means last); the others close up around it."""
    Playlist.objects.select_for_update().filter(pk=item.playlist_id).update(updated_at=timezone.now())
    item = PlaylistItem.objects.get(pk=item.pk)
    last = PlaylistItem.objects.filter(playlist_id=item.playlist_id).count()
    position = max(1, min(position, last))
    siblings = PlaylistItem.objects.filter(playlist_id=item.playlist_id).exclude(pk=item.pk)
    if position < item.position:
        siblings.filter(position__gte=position, position__lt=item.position).update(position=F("position") + 1)
    elif position > item.position:
        siblings.filter(position__gt=item.position, position__lte=position).update(position=F("position") - 1)
    item.position = position
    item.save(update_fields=["position"])
    return item


def favourite_set(*, user: User, work: Work, on: bool) -> bool:
    """Mark or unmark a work as a favourite; whether it is one now."""
    _writer(user)
    if on:
        Favourite.objects.get_or_create(user=user, work=work)
    else:
        Favourite.objects.filter(user=user, work=work).delete()
    return on


BOOKMARK_NOTE_CHARS = 500


def bookmark_add(*, user: User, track: Track, position_seconds: float, note: str = "") -> Bookmark:
    """Keep a place in a track (of a work the person may see), with a note."""
    _writer(user)
    if not selectors.works_visible_to(user).filter(pk=track.work_id).exists():
        raise ValidationError({"track": _("No such track.")})
    if not 0 <= position_seconds < 10**7:
        raise ValidationError({"position_seconds": _("The position must be a number of seconds from the start.")})
    note = note.strip()
    if len(note) > BOOKMARK_NOTE_CHARS:
        raise ValidationError({"note": _("Notes are at most %(limit)s characters.") % {"limit": BOOKMARK_NOTE_CHARS}})
    return Bookmark.objects.create(user=user, track=track, position_seconds=position_seconds, note=note)


def bookmark_delete(bookmark: Bookmark) -> None:
    bookmark.delete()
