"""A scan of every root: new and changed work folders are read and stored, unchanged ones (same fingerprint) are
skipped, missing ones are marked unavailable — unless so many vanished that a disk is probably unmounted, then
nothing is changed at all. One scan at a time (a PostgreSQL advisory lock); `dry_run` only reports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from library import folders, metadata, services
from library.models import Root, Scan, Work
from library.scan_lock import only_scan

logger = logging.getLogger(__name__)

DEFAULT_MAX_MISSING_SHARE = 0.2


def _ask_store(store: metadata.MetadataSource, info: folders.FolderInfo, errors: list[str]) -> None:
    """Fill what the folder left empty from the store; a store that fails leaves the local metadata alone."""
    if not folders.CODE.fullmatch(info.code):
        return  # a work known only by its sidecar has no store page
    try:
        metadata.fill(info, store.fetch(info.code))
    except metadata.MetadataError as error:
        errors.append(str(error))


def refresh_from_store(works: list[Work], store: metadata.MetadataSource) -> tuple[int, list[str]]:
    """Ask the store again for these works (staff's admin action); fields staff edited stay as they are."""
    errors: list[str] = []
    refreshed = 0
    for work in works:
        base = Path(work.root.path).resolve()
        folder = base / work.dir
        if not folder.is_dir():
            errors.append(f"{work.code}: its folder is missing.")
            continue
        info = folders.read(base, folder)
        before = len(errors)
        _ask_store(store, info, errors)
        if len(errors) == before:
            services.work_store(work.root, info, folders.fingerprint(folder))
            refreshed += 1
    return refreshed, errors


def scan(
    *,
    dry_run: bool = False,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
    progress: Callable[[Scan], None] | None = None,
    record: Scan | None = None,
) -> Scan:
    """Scan every root; returns the Scan with its counts (also kept in the database for the staff page)."""
    with only_scan():
        roots = services.roots_sync_from_settings()
        record = services.scan_start(dry_run=dry_run, record=record)
        try:
            _scan(record, roots, dry_run, max_missing_share, progress or (lambda _: None))
        except Exception as error:
            logger.exception("Library scan %s failed", record.pk)
            services.scan_finish(record, Scan.Status.FAILED, str(error)[:2000])
            raise
        return record


def _scan(record: Scan, roots: list[Root], dry_run: bool, max_missing: float, progress: Callable[[Scan], None]) -> None:
    found: list[tuple[Root, Path]] = []
    errors: list[str] = []
    for root in roots:
        base = Path(root.path)
        if not base.is_dir():
            errors.append(f"Root {root.name}: {root.path} is not a folder (unmounted?).")
            continue
        found += [(root, folder) for folder in folders.work_folders(base)]
    known = {(work.root_id, work.dir): work for work in Work.objects.filter(root__in=roots)}
    seen = {(root.pk, str(folder.relative_to(Path(root.path).resolve()))) for root, folder in found}
    missing = [work for key, work in known.items() if key not in seen and work.available]
    available = sum(1 for work in known.values() if work.available)
    services.scan_update(record, folders_total=len(found), missing=len(missing), errors=errors)
    if available and len(missing) / available > max_missing:
        services.scan_finish(
            record,
            Scan.Status.ABORTED,
            f"{len(missing)} of {available} known works vanished (more than {max_missing:.0%}): is a disk "
            "unmounted? Nothing was changed.",
        )
        return
    counts = {"added": 0, "changed": 0, "unchanged": 0, "restored": 0}
    store = metadata.source_from_settings()
    for done, (root, folder) in enumerate(found, start=1):
        base = Path(root.path).resolve()
        work = known.get((root.pk, str(folder.relative_to(base))))
        try:
            stamp = folders.fingerprint(folder)
            if work is not None and (work.folder_mtime_ns, work.folder_size) == stamp:
                counts["unchanged"] += 1
                if not work.available:
                    counts["restored"] += 1
                    if not dry_run:
                        services.works_mark_seen([work.code])
            elif dry_run:
                counts["added" if work is None else "changed"] += 1
            else:
                info = folders.read(base, folder)
                if work is None and store is not None:
                    _ask_store(store, info, errors)
                _, created = services.work_store(root, info, stamp)
                counts["added" if created else "changed"] += 1
                if work is not None and not work.available:
                    counts["restored"] += 1
        except OSError as error:
            errors.append(f"{folder}: {error}")
        if done % 100 == 0 or done == len(found):
            services.scan_update(record, folders_done=done, errors=errors[-100:], **counts)
            progress(record)
    if not dry_run:
        services.works_mark_missing(missing)
    services.scan_update(record, folders_done=len(found), errors=errors[-100:], **counts)
    services.scan_finish(record, Scan.Status.DONE, "Dry run: nothing was changed." if dry_run else "")
