"""Writing a day's diary from that day's memos: summary, mood and the memos it came from."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.utils import timezone

from ai import client
from ai import services as ai_services
from ai.client import ProviderError
from ai.models import AIConfig, TokenUsage
from bots import services
from bots.models import AIDiaryJob
from memos.diaries import services as diary_services
from memos.models import MOODS as DIARY_MOODS
from memos.models import Diary
from memos.notes import selectors

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MOODS = tuple(DIARY_MOODS)  # the keys the diary form offers too
PROMPT = (
    "You keep the user's diary. From the notes they wrote on {day}, write the diary entry of that day: a few "
    "sentences in the first person, in the notes' language. Answer with JSON only: "
    '{{"summary": "…", "mood_key": one of {moods}, "mood_score": 1 (low) to 5 (high)}}.'
)


def _parse(text: str) -> tuple[str, str, int | None]:
    match = re.search(r"\{.*\}", text, re.S)
    try:
        data = json.loads(match.group(0)) if match else {}
    except ValueError:
        data = {}
    summary = str(data.get("summary") or text).strip()
    mood = str(data.get("mood_key") or "").strip().lower()
    score = data.get("mood_score")
    return summary, mood if mood in MOODS else "", score if isinstance(score, int) and 1 <= score <= 5 else None


def run(job: AIDiaryJob) -> str:
    """Write the diary of a claimed job; never over a diary the user wrote or edited (it is locked)."""
    user, day = job.owner, job.target_date
    existing = Diary.objects.filter(owner=user, date=day).first()
    if existing is not None and existing.auto_generation_locked and not existing.is_deleted:
        services.diary_job_finish(job, "skipped: written by hand")
        return "locked"
    with timezone.override(ai_services.user_zone(user)):  # "that day" is the user's day
        memos = list(selectors.memos_of_day(user, day))
    if not memos:
        services.diary_job_finish(job, "skipped: no memos that day")
        return "empty"
    try:
        ai_services.quota_check(user)
    except ai_services.QuotaExceeded as exceeded:
        services.diary_job_fail(job, str(exceeded))
        return "quota"
    notes = "\n\n---\n\n".join(memo.content[:4000] for memo in memos[:50])
    messages = [
        {"role": "system", "content": PROMPT.format(day=f"{day:%A %d %B %Y}", moods=", ".join(MOODS))},
        {"role": "user", "content": notes},
    ]
    try:
        endpoint = ai_services.endpoint_or_chat(AIConfig.Key.DIARY)
        completion = async_to_sync(client.complete)(endpoint, messages)
    except ProviderError as error:
        retry = timedelta(minutes=5 * job.attempts) if error.retryable and job.attempts < MAX_ATTEMPTS else None
        services.diary_job_fail(job, error.message, retry_in=retry)
        return "retrying" if retry else "failed"
    ai_services.usage_record(user=user, model=endpoint.model, feature=TokenUsage.Feature.DIARY, usage=completion.usage)
    summary, mood, score = _parse(completion.content)
    written = diary_services.diary_generate(
        owner=user, day=day, summary=summary, mood_key=mood, mood_score=score, memo_ids=[m.pk for m in memos]
    )
    services.diary_job_finish(job, "written" if written else "skipped: written by hand meanwhile")
    return "written" if written else "locked"
