"""Background work of bots (run by `manage.py worker`; the diary sweep is scheduled by `manage.py scheduler`)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from crontask import cron
from django.tasks import task

from ai import client
from ai import services as ai_services
from ai.client import ProviderError, Usage
from ai.models import AIConfig, TokenUsage
from bots import diaries, prompts, services
from bots.models import Bot, BotReply

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
SAVE_EVERY = 0.5  # seconds between saves of a growing reply (what the memo page polls)


@task()
def react_to_memo(memo_id: str) -> int:
    """A memo was saved: queue the replies of the bots it calls (each answers a memo once)."""
    return len(services.replies_for_memo(memo_id))


def endpoint_of(bot: Bot) -> tuple[client.Endpoint, str, str]:
    """The bot's provider: its own config, else the `bot` config, else the `chat` one; and the model to ask."""
    keys = [bot.ai_config.key] if bot.ai_config_id and bot.ai_config else []
    keys += [AIConfig.Key.BOT, AIConfig.Key.CHAT]
    last: ProviderError | None = None
    for key in dict.fromkeys(keys):
        try:
            endpoint = ai_services.endpoint_for(key)
        except ProviderError as error:
            last = error
            continue
        return endpoint, bot.model or endpoint.model, key
    assert last is not None
    raise last


@task()
def write_reply(reply_id: str) -> str:
    """Write one bot reply: quota first (no provider call past it), then stream the answer, saving as it grows.
    Provider hiccups retry with backoff (MAX_ATTEMPTS in all), then the reply is marked failed with the reason;
    the memo itself is never touched."""
    reply = services.reply_claim(reply_id)
    if reply is None:
        return "skipped"
    try:
        ai_services.quota_check(reply.owner)
    except ai_services.QuotaExceeded as exceeded:
        services.reply_fail(reply, str(exceeded))
        return "quota"
    try:
        endpoint, model, _ = endpoint_of(reply.bot)
        remembered = prompts.memory(reply.memo)
        messages = prompts.build(reply, remembered)
        content, usage = async_to_sync(_stream)(reply, endpoint, messages, model)
    except ProviderError as error:
        if error.retryable and reply.attempts < MAX_ATTEMPTS:
            services.reply_retry_later(reply, error.message, timedelta(seconds=10 * 2 ** (reply.attempts - 1)))
            return "retrying"
        services.reply_fail(reply, error.message)
        return "failed"
    except Exception:
        # Never leave a reply "writing" forever: say it failed (Regenerate tries again) and let the task fail too.
        logger.exception("Bot reply %s failed unexpectedly", reply.pk)
        services.reply_fail(reply, "Something went wrong while writing this reply; try Regenerate.")
        raise
    ai_services.usage_record(user=reply.owner, model=model, feature=TokenUsage.Feature.BOT, usage=usage)
    services.reply_finish(
        reply,
        content=content,
        model=model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cited=[str(item.memo.pk) for item in remembered if str(item.memo.pk) in content],
    )
    return "written"


async def _stream(
    reply: BotReply, endpoint: client.Endpoint, messages: client.Messages, model: str
) -> tuple[str, Usage]:
    from asgiref.sync import sync_to_async

    pieces: list[str] = []
    usage: Usage | None = None
    saved_at = time.monotonic()
    async for item in client.stream(endpoint, messages, model=model):
        if isinstance(item, Usage):
            usage = item
            continue
        pieces.append(item)
        if time.monotonic() - saved_at >= SAVE_EVERY:
            saved_at = time.monotonic()
            await sync_to_async(services.reply_progress)(reply, "".join(pieces))
    text = "".join(pieces).strip()
    return text, usage or client.estimate_usage(messages, text)


# A live worker writes a reply at least once per provider call (its text twice a second while pieces come, or the
# error when a call times out), and a reply makes two calls at most before its first piece (memory, stream).
CALLS_BEFORE_FIRST_PIECE = 2


@cron("*/5 * * * *")
@task()
def requeue_abandoned_replies() -> int:
    """Every 5 minutes: replies left `running` by a worker that stopped mid-reply go back in the queue (or fail
    after their last attempt), instead of showing "Writing" for good."""
    return services.replies_abandoned_requeue(
        untouched_for=ai_services.abandoned_after(CALLS_BEFORE_FIRST_PIECE), max_attempts=MAX_ATTEMPTS
    )


@cron("*/10 * * * *")
@task()
def diary_sweep() -> dict[str, Any]:
    """Every 10 minutes: give opted-in users a job for yesterday once their local midnight has passed, then write
    the diaries that are due (one worker per job, even with several schedulers or workers up). Jobs a stopped
    worker left running are due again first."""
    abandoned = ai_services.abandoned_after()
    services.diary_jobs_abandoned_requeue(untouched_for=abandoned, max_attempts=diaries.MAX_ATTEMPTS)
    scheduled = services.diary_jobs_schedule(ai_services.user_today)
    written = 0
    while (job := services.diary_job_claim()) is not None:
        diaries.run(job)
        written += 1
    return {"scheduled": scheduled, "ran": written}


@task()
def write_diary(job_id: int) -> str:
    """Write one requested diary now (the button on the diary page, or the API)."""
    job = services.diary_job_claim(job_id)
    if job is None:
        return "skipped"
    return diaries.run(job)
