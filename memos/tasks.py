"""Background work of memos (run by `manage.py db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from accounts import site_settings
from memos import services
from memos.models import Memo


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
    from memos.embeddings import embed_memo as run

    return run(memo_id)
