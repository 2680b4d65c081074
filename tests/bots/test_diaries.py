"""AI diaries: opted-in users get yesterday's diary after their midnight, once, never over one written by hand."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import close_old_connections
from django.utils import timezone

from accounts import services as account_services
from ai import services as ai_services
from bots import services, tasks
from bots.models import AIDiaryJob
from memos.diaries import services as diary_services
from memos.models import Diary
from memos.notes import services as memo_services

DAY = date(2026, 11, 20)
REPLY = '{"summary": "I planted roses and felt calm.", "mood_key": "calm", "mood_score": 4}'


def memo_on(user, day: date, content: str) -> None:
    zone = ZoneInfo(account_services.user_settings_for(user).timezone)
    with time_machine.travel(datetime(day.year, day.month, day.day, 14, tzinfo=zone), tick=False):
        memo_services.memo_create(owner=user, content=content)


@pytest.mark.django_db
def test_the_nightly_sweep_writes_yesterdays_diary_for_opted_in_users(alice, bob, fake_llm):
    fake_llm.script(reply=REPLY)
    services.diary_preference_set(alice, enabled=True)
    memo_on(alice, DAY, "Planted roses in the garden.")
    memo_on(bob, DAY, "Bob did not opt in.")

    with time_machine.travel(datetime(2026, 11, 21, 0, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        outcome = tasks.diary_sweep.call()

    diary = Diary.objects.get(owner=alice, date=DAY)
    assert outcome == {"scheduled": 1, "ran": 1}
    assert (diary.summary, diary.mood_key, diary.mood_score) == ("I planted roses and felt calm.", "calm", 4)
    assert diary.generation_source == Diary.Source.AI and not diary.auto_generation_locked
    assert len(diary.generated_from_memo_ids) == 1
    assert not Diary.objects.filter(owner=bob).exists()
    assert "Planted roses" in str(fake_llm.requests[-1]["body"]["messages"])


@pytest.mark.django_db
def test_the_day_is_the_users_own(alice, fake_llm):
    account_services.user_settings_update(account_services.user_settings_for(alice), timezone="Asia/Tokyo")
    services.diary_preference_set(alice, enabled=True)
    fake_llm.script(reply=REPLY)
    memo_on(alice, DAY, "Tokyo evening note.")

    # 16:00 UTC on the 20th is already 01:00 on the 21st in Tokyo: the 20th is done there.
    with time_machine.travel(datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        tasks.diary_sweep.call()

    assert Diary.objects.filter(owner=alice, date=DAY).exists()


@pytest.mark.django_db
def test_a_diary_written_by_hand_is_never_overwritten(alice, fake_llm):
    memo_on(alice, DAY, "A day.")
    diary_services.diary_write(owner=alice, day=DAY, summary="My own words.")

    job = services.diary_job_request(alice, DAY)
    outcome = tasks.write_diary.call(job.pk)

    assert outcome == "locked"
    assert Diary.objects.get(owner=alice, date=DAY).summary == "My own words."
    assert fake_llm.requests == []


@pytest.mark.django_db
def test_regenerate_on_demand_rewrites_an_ai_diary(alice, fake_llm):
    memo_on(alice, DAY, "First.")
    fake_llm.script(reply=REPLY)
    tasks.write_diary.call(services.diary_job_request(alice, DAY).pk)
    fake_llm.script(reply='{"summary": "Rewritten.", "mood_key": "happy", "mood_score": 5}')

    tasks.write_diary.call(services.diary_job_request(alice, DAY).pk)

    assert Diary.objects.get(owner=alice, date=DAY).summary == "Rewritten."


@pytest.mark.django_db
def test_a_day_without_memos_writes_nothing(alice, fake_llm):
    job = services.diary_job_request(alice, DAY)

    assert tasks.write_diary.call(job.pk) == "empty"
    assert not Diary.objects.exists() and fake_llm.requests == []


@pytest.mark.django_db
def test_quota_and_provider_failures_are_recorded_on_the_job(alice, fake_llm):
    memo_on(alice, DAY, "A day.")
    fake_llm.script(status=400, error="bad request")

    job = services.diary_job_request(alice, DAY)
    tasks.write_diary.call(job.pk)
    job.refresh_from_db()
    assert job.status == AIDiaryJob.Status.FAILED and "bad request" in job.last_error

    ai_services.user_token_limit_set(alice, 0)
    job = services.diary_job_request(alice, DAY)
    assert tasks.write_diary.call(job.pk) == "quota"


@pytest.mark.django_db(transaction=True)
def test_a_due_job_runs_once_with_two_workers_sweeping_at_the_same_time(alice, fake_llm):
    fake_llm.script(reply=REPLY, delay=0.05)
    services.diary_preference_set(alice, enabled=True)
    memo_on(alice, DAY, "One day, two schedulers.")
    results: list[dict] = []

    def sweep() -> None:
        try:
            results.append(tasks.diary_sweep.call())
        finally:
            close_old_connections()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    with time_machine.travel(datetime(2026, 11, 21, 1, tzinfo=ZoneInfo("UTC")), tick=True):
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    assert sorted(result["ran"] for result in results) == [0, 1]
    assert len([r for r in fake_llm.requests if r["path"].endswith("/chat/completions")]) == 1
    assert AIDiaryJob.objects.get().status == AIDiaryJob.Status.DONE
    assert Diary.objects.filter(owner=alice).count() == 1


@pytest.mark.django_db
def test_a_job_left_running_by_a_stopped_worker_is_written_by_the_next_sweep(alice, fake_llm):
    fake_llm.script(reply=REPLY)
    memo_on(alice, DAY, "Planted roses in the garden.")
    job = services.diary_job_request(alice, DAY)
    assert services.diary_job_claim(job.pk) is not None  # a worker took it, then was killed
    AIDiaryJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=10))

    outcome = tasks.diary_sweep.call()

    job.refresh_from_db()
    assert outcome["ran"] == 1 and job.status == AIDiaryJob.Status.DONE
    assert Diary.objects.get(owner=alice, date=DAY).summary == "I planted roses and felt calm."


@pytest.mark.django_db
def test_a_job_abandoned_on_its_last_attempt_fails_and_a_recent_one_is_left_alone(alice, bob, fake_llm):
    memo_on(alice, DAY, "A day.")
    memo_on(bob, DAY, "Another day.")
    last = services.diary_job_request(alice, DAY)
    recent = services.diary_job_request(bob, DAY)
    AIDiaryJob.objects.filter(pk=last.pk).update(
        status=AIDiaryJob.Status.RUNNING, attempts=3, updated_at=timezone.now() - timedelta(hours=1)
    )
    AIDiaryJob.objects.filter(pk=recent.pk).update(
        status=AIDiaryJob.Status.RUNNING, attempts=1, updated_at=timezone.now() - timedelta(minutes=1)
    )

    tasks.diary_sweep.call()

    last.refresh_from_db()
    recent.refresh_from_db()
    assert last.status == AIDiaryJob.Status.FAILED and "stopped" in last.last_error
    assert recent.status == AIDiaryJob.Status.RUNNING  # its worker may still be writing
