"""Periodic jobs: one active scheduler among several, and sweeps that catch up on whatever a failed enqueue or an
outage left undone."""

from __future__ import annotations

import pytest
from crontask import scheduler
from crontask import utils as crontask_utils

from memos import services, signals, tasks
from memos.models import MemoEmbedding
from quillium_site.management.commands.scheduler import Command
from quillium_site.scheduler_lock import AdvisoryLock, connect_outside_pool

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_scheduler_holds_the_lock_and_a_standby_takes_over():
    first, second = AdvisoryLock(), AdvisoryLock()
    try:
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


def test_a_scheduler_that_lost_its_connection_stops_scheduling():
    lock = AdvisoryLock()
    assert lock.acquire()
    pid = lock.connection.info.backend_pid
    with connect_outside_pool() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    with pytest.raises(crontask_utils.LockNotOwnedError):
        lock.extend()
    standby = AdvisoryLock()
    assert standby.acquire()  # the server let go of the lock with the connection
    standby.release()


def test_the_periodic_jobs_are_on_the_schedule():
    Command().load_tasks({})  # what `manage.py scheduler` does first

    names = {job.name for job in scheduler.get_jobs()}

    assert {
        "embed_sweep",
        "purge_expired_trash",
        "prune_sync_tombstones",
        "reset_daily_usage",
        "settle_abandoned_replies",
        "requeue_abandoned_replies",
        "diary_sweep",
    } <= names


def test_the_embedding_sweep_embeds_what_a_lost_task_left_behind(alice):
    memo = services.memo_create(owner=alice, content="A cat is playing the piano.")
    assert not MemoEmbedding.objects.filter(memo=memo).exists()  # its task never ran

    assert tasks.embed_sweep.call() == 1

    assert MemoEmbedding.objects.filter(memo=memo).exists()
    assert tasks.embed_sweep.call() == 0


def test_a_failing_listener_never_fails_a_saved_memo(alice_api, caplog):
    def broken(**kwargs):
        raise RuntimeError("listener down")

    signals.memo_changed.connect(broken)
    try:
        response = alice_api.post("/api/v1/memos/", {"content": "still saved"}, format="json")
    finally:
        signals.memo_changed.disconnect(broken)

    assert response.status_code == 201
    assert "listener down" in caplog.text
