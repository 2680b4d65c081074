"""Background work of memos (run by `manage.py worker`; periodic ones scheduled by `manage.py scheduler`)."""

from __future__ import annotations

from datetime import timedelta

from crontask import cron
from django.tasks import task
from django.utils import timezone

from accounts import site_settings
from memos.models import Memo
from memos.notes import services
from memos.search import services as search_services
from memos.sync import services as sync_services


@task()
def purge_if_expired(memo_id: str) -> bool:
    """Empty one memo out of the trash once its retention is over (enqueued, deferred, when it's trashed).

    If the retention grew meanwhile, check again when it ends; a restored or purged memo is left alone.
    """
    memo = Memo.objects.trashed().filter(pk=memo_id).first()
    if memo is None or memo.deleted_at is None:
        return False
    due = memo.deleted_at + timedelta(days=site_settings.get("trash_retention_days"))
    if due > timezone.now():
        purge_if_expired.using(run_after=due).enqueue(memo_id)
        return False
    services.memo_purge(memo)
    return True


@task()
def embed_memo(memo_id: str) -> str:
    """Embed a memo whose text changed (enqueued after commit); `manage.py reembed` catches up on failures."""
    from memos.search.semantic import embed_memo as run

    return run(memo_id)


SWEEP_BATCH = 500


@cron("*/10 * * * *")
@task()
def embed_sweep() -> int:
    """Embed memos whose text has no embedding yet: those whose task failed (provider down, database restarted)
    or never ran. At most SWEEP_BATCH per run, so a long backlog is spread over runs."""
    pending = Memo.objects.filter(is_deleted=False).order_by("-updated_at")
    done = 0
    for done, _ in search_services.embeddings_catch_up(pending, batch=64):
        if done >= SWEEP_BATCH:
            break
    return done


@cron("17 * * * *")
@task()
def purge_expired_trash() -> int:
    """Hourly catch-up for `purge_if_expired` (a purge whose deferred task was lost still happens)."""
    return services.trash_purge_expired()


@cron("43 3 * * *")
@task()
def prune_sync_tombstones() -> int:
    """Daily: forget deletions older than the `sync_tombstone_days` site setting."""
    return sync_services.sync_tombstones_prune(site_settings.get("sync_tombstone_days"))


@task()
def summarize_revision(revision_id: str) -> str:
    """A one-line AI summary of a new revision, for people who turned them on (enqueued with the revision)."""
    from memos.notes.summaries import summarize

    return summarize(revision_id)
