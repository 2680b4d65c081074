"""Every write to bots, their replies and the AI diary jobs. Replies are written by tasks (see bots.tasks); this
module decides which bot answers what, and records what happened."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import GUEST_READ_ONLY
from bots.models import AIDiaryJob, Bot, BotReply, DiaryPreference
from memos.models import Memo
from memos.notes import tags
from quillium_site import queue
from quillium_site.files import sniff

if TYPE_CHECKING:
    from accounts.models import User

MAX_QUESTION_CHARS = 4_000
AVATAR_MAX_BYTES = 2 * 1024 * 1024
EDITABLE = {"name", "description", "tags", "auto_reply", "avatar_url", "ai_config", "model", "vision"}


def _writer(user: User) -> None:
    if user.is_guest:
        raise PermissionDenied(GUEST_READ_ONLY)


def _clean_tags(given: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tag for tag in (tags.normalize(t) for t in given) if tag))


# -- bots -------------------------------------------------------------------------------------------------


@transaction.atomic
def bot_create(*, owner: User, name: str, **fields: Any) -> Bot:
    """A new bot at the end of the owner's list."""
    _writer(owner)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"Not a bot field: {', '.join(sorted(unknown))}")
    last = Bot.objects.visible_to(owner).order_by("-sort_order").values_list("sort_order", flat=True).first()
    bot = Bot(owner=owner, name=name.strip(), sort_order=(last or 0) + 1)
    return _save(bot, fields)


@transaction.atomic
def bot_update(bot: Bot, **fields: Any) -> Bot:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"Not a bot field: {', '.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    return _save(bot, fields)


def _save(bot: Bot, fields: dict[str, Any]) -> Bot:
    if "tags" in fields:
        fields["tags"] = _clean_tags(fields["tags"])
    for field, value in fields.items():
        setattr(bot, field, value)
    bot.full_clean(exclude=["owner", "avatar"], validate_constraints=False)
    taken = Bot.objects.visible_to(bot.owner).filter(name__iexact=bot.name).exclude(pk=bot.pk)
    if taken.exists():
        raise ValidationError({"name": _("You already have a bot with this name.")})
    try:
        with transaction.atomic():
            bot.save()
    except IntegrityError:  # a concurrent create with the same name
        raise ValidationError({"name": _("You already have a bot with this name.")}) from None
    return bot


def bot_avatar_set(bot: Bot, upload: UploadedFile) -> Bot:
    """Store an uploaded picture as the bot's avatar: an image (judged by its bytes), at most 2 MiB."""
    if (upload.size or 0) > AVATAR_MAX_BYTES:
        raise ValidationError(
            {"avatar": _("Avatars may be at most %(limit)s bytes.") % {"limit": format(AVATAR_MAX_BYTES, ",")}}
        )
    upload.seek(0)
    detected = sniff.detect(upload.read(sniff.SNIFF_BYTES), upload)
    if detected.kind != "image":
        raise ValidationError(
            {"avatar": _("An avatar must be an image, not %(mime_type)s.") % {"mime_type": detected.mime_type}}
        )
    old = bot.avatar.name
    upload.seek(0)
    bot.avatar.save(f"{bot.pk}-{upload.name or 'avatar'}", upload, save=False)
    bot.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: bot.avatar.storage.delete(old), robust=True)
    return bot


def bot_delete(bot: Bot) -> None:
    """Soft-delete: the bot stops answering and leaves the lists; its replies stay under their memos."""
    bot.is_deleted = True
    bot.save(update_fields=["is_deleted", "updated_at"])


def bot_restore(bot: Bot) -> Bot:
    """Bring a deleted bot back, at the end of its owner's list (refused while another bot has its name)."""
    _writer(bot.owner)
    if not bot.is_deleted:
        return bot
    last = Bot.objects.visible_to(bot.owner).order_by("-sort_order").values_list("sort_order", flat=True).first()
    bot.is_deleted, bot.sort_order = False, (last or 0) + 1
    return _save(bot, {})


@transaction.atomic
def bots_reorder(owner: User, ordered_ids: list[Any]) -> list[Bot]:
    """Put the owner's bots in this order (ids not given keep their place after the given ones)."""
    _writer(owner)
    bots = {str(bot.pk): bot for bot in Bot.objects.visible_to(owner).select_for_update()}
    wanted = [str(pk) for pk in ordered_ids]
    if len(set(wanted)) != len(wanted) or set(wanted) - set(bots):
        raise ValidationError({"order": _("List each of your bots at most once.")})
    rest = [pk for pk in sorted(bots, key=lambda pk: bots[pk].sort_order) if pk not in wanted]
    for position, pk in enumerate([*wanted, *rest], start=1):
        bots[pk].sort_order = position
    Bot.objects.bulk_update(bots.values(), ["sort_order"])
    return sorted(bots.values(), key=lambda bot: bot.sort_order)


def bot_move(bot: Bot, *, up: bool) -> list[Bot]:
    """Swap a bot with its neighbour above (or below); at the end of the list nothing moves."""
    order = [str(pk) for pk in Bot.objects.visible_to(bot.owner).values_list("pk", flat=True)]
    index = order.index(str(bot.pk))
    other = index - 1 if up else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return bots_reorder(bot.owner, order)


# -- which bot answers what -----------------------------------------------------------------------------


def mentions(content: str) -> set[str]:
    """The lower-cased `@names` in a memo's text (not inside e-mail addresses)."""
    return {name.casefold() for name in re.findall(r"(?<![\w.@])@([\w-]{1,40})", content)}


def triggered_bots(memo: Memo, bots: Iterable[Bot] | None = None) -> list[Bot]:
    """The owner's bots (or these of them) this memo calls: by one of their tags, by `@name`, or because they
    answer everything."""
    called = mentions(memo.content)
    memo_tags = set(memo.tags)
    return [
        bot
        for bot in (Bot.objects.visible_to(memo.owner) if bots is None else bots)
        if bot.auto_reply or bot.name.casefold() in called or memo_tags & set(bot.tags)
    ]


@transaction.atomic
def replies_for_memo(memo_id: Any) -> list[BotReply]:
    """Queue the replies a saved memo calls for; each bot answers a memo once, however often it is saved."""
    memo = Memo.objects.select_related("owner").filter(pk=memo_id, is_deleted=False).first()
    if memo is None:
        return []
    revision = memo.revisions.order_by("-revision_number").first()
    queued = []
    for bot in triggered_bots(memo):
        reply = BotReply(owner=memo.owner, memo=memo, bot=bot, revision=revision)
        try:
            with transaction.atomic():
                reply.save()
        except IntegrityError:  # this bot already answered (or is answering) the memo
            continue
        _enqueue(reply)
        queued.append(reply)
    return queued


def reply_ask(*, memo: Memo, bot: Bot, question: str, user: User, parent: BotReply | None = None) -> BotReply:
    """A follow-up question to a bot in the memo's thread; the answer is written by a task."""
    _writer(user)
    if memo.owner_id != user.pk or bot.owner_id != user.pk or bot.is_deleted:
        raise ValidationError({"bot": _("No such bot or memo.")})
    if parent is not None and parent.memo_id != memo.pk:
        raise ValidationError({"parent": _("That reply belongs to another memo.")})
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Ask something.")})
    if len(question) > MAX_QUESTION_CHARS:
        raise ValidationError(
            {
                "question": _("Questions are limited to %(limit)s characters.")
                % {"limit": format(MAX_QUESTION_CHARS, ",")}
            }
        )
    with transaction.atomic():
        revision = memo.revisions.order_by("-revision_number").first()
        reply = BotReply.objects.create(
            owner=user, memo=memo, bot=bot, parent=parent, user_question=question, revision=revision
        )
        _enqueue(reply)
    return reply


@transaction.atomic
def reply_regenerate(reply: BotReply) -> BotReply:
    """Write the reply again (against the memo as it is now); the old text is replaced."""
    reply = BotReply.objects.select_for_update().get(pk=reply.pk)
    if reply.status in (BotReply.Status.PENDING, BotReply.Status.RUNNING):
        raise ValidationError({"status": _("This reply is still being written.")})
    reply.revision = reply.memo.revisions.order_by("-revision_number").first()
    reply.content, reply.error, reply.status, reply.attempts = "", "", BotReply.Status.PENDING, 0
    reply.cited_memo_ids = []
    reply.save()
    reply.cited_resources.all().delete()
    _enqueue(reply)
    return reply


def reply_delete(reply: BotReply) -> None:
    """Delete a reply and the follow-ups under it."""
    reply.delete()


def _enqueue(reply: BotReply, *, run_after: datetime | None = None) -> None:
    # In the reply's own transaction: a committed reply always has its task (the queue is this database).
    queue.enqueue("bots.tasks.write_reply", str(reply.pk), run_after=run_after)


# -- what happened to a reply ---------------------------------------------------------------------------


def reply_claim(reply_id: Any) -> BotReply | None:
    """Mark a waiting reply as being written; None when it is gone or another worker has it."""
    with transaction.atomic():
        reply = (
            BotReply.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("bot", "memo", "owner", "parent")
            .filter(pk=reply_id, status=BotReply.Status.PENDING)
            .first()
        )
        if reply is None:
            return None
        reply.status = BotReply.Status.RUNNING
        reply.attempts = F("attempts") + 1
        reply.save(update_fields=["status", "attempts", "updated_at"])
        reply.refresh_from_db(fields=["attempts"])
    return reply


def reply_progress(reply: BotReply, content: str) -> None:
    """Save what has been written so far, so the memo page shows the reply as it grows."""
    BotReply.objects.filter(pk=reply.pk, status=BotReply.Status.RUNNING).update(
        content=content, updated_at=timezone.now()
    )


@transaction.atomic
def reply_finish(
    reply: BotReply, *, content: str, model: str, prompt_tokens: int, completion_tokens: int, cited: list[str]
) -> BotReply:
    from bots.models import BotReplyResource

    reply.content, reply.model, reply.status, reply.error = content, model, BotReply.Status.COMPLETE, ""
    reply.prompt_tokens, reply.completion_tokens, reply.cited_memo_ids = prompt_tokens, completion_tokens, cited
    reply.save()
    images = reply.memo.resources.filter(is_deleted=False, resource_type="image").order_by("created_at")
    BotReplyResource.objects.bulk_create(
        [BotReplyResource(reply=reply, resource=resource, sort_order=n) for n, resource in enumerate(images)],
        ignore_conflicts=True,
    )
    return reply


def reply_fail(reply: BotReply, reason: str) -> BotReply:
    reply.status, reply.error = BotReply.Status.FAILED, reason[:2000]
    reply.save(update_fields=["status", "error", "updated_at"])
    return reply


def reply_retry_later(reply: BotReply, reason: str, delay: timedelta) -> BotReply:
    """Back in the queue after `delay` (a provider hiccup); the reason stays visible meanwhile."""
    with transaction.atomic():
        reply.status, reply.error = BotReply.Status.PENDING, reason[:2000]
        reply.save(update_fields=["status", "error", "updated_at"])
        _enqueue(reply, run_after=timezone.now() + delay)
    return reply


ABANDONED_REASON = "The worker writing this reply stopped before it finished."


def replies_abandoned_requeue(*, untouched_for: timedelta, max_attempts: int) -> int:
    """Replies left `running` by a worker that stopped mid-reply (killed, or its machine restarted), untouched for
    `untouched_for`: back in the queue with a task of their own while they have attempts left (the stopped
    worker's task is gone with it), else failed, so Regenerate works again."""
    settled = 0
    with transaction.atomic():
        stale = BotReply.objects.select_for_update(skip_locked=True).filter(
            status=BotReply.Status.RUNNING, updated_at__lt=timezone.now() - untouched_for
        )
        for reply in stale:
            if reply.attempts < max_attempts:
                reply_retry_later(reply, ABANDONED_REASON, timedelta(0))
            else:
                reply_fail(reply, ABANDONED_REASON)
            settled += 1
    return settled


# -- AI diaries -----------------------------------------------------------------------------------------


def diary_preference_set(user: User, *, enabled: bool) -> DiaryPreference:
    _writer(user)
    preference, _created = DiaryPreference.objects.update_or_create(user=user, defaults={"enabled": enabled})
    return preference


def diary_jobs_schedule(day_for: Any, now: datetime | None = None) -> int:
    """For every opted-in user, a job for yesterday in their time zone, due now (idempotent: one job per day).
    `day_for(user, now)` gives a user's local date."""
    now = now or timezone.now()
    jobs = [
        AIDiaryJob(owner=preference.user, target_date=day_for(preference.user, now) - timedelta(days=1), run_after=now)
        for preference in DiaryPreference.objects.filter(enabled=True, user__is_active=True).select_related(
            "user__settings"
        )
    ]
    return len(AIDiaryJob.objects.bulk_create(jobs, ignore_conflicts=True))


@transaction.atomic
def diary_job_request(user: User, day: date) -> AIDiaryJob:
    """Write (or rewrite) the diary of `day` now, on the user's request (its task is queued with the job)."""
    _writer(user)
    job, created = AIDiaryJob.objects.select_for_update().get_or_create(
        owner=user, target_date=day, defaults={"run_after": timezone.now()}
    )
    if not created and job.status != AIDiaryJob.Status.RUNNING:
        job.status, job.run_after, job.attempts = AIDiaryJob.Status.PENDING, timezone.now(), 0
        job.last_error = job.outcome = ""
        job.save()
    queue.enqueue("bots.tasks.write_diary", job.pk)
    return job


def diary_job_claim(job_id: int | None = None) -> AIDiaryJob | None:
    """Take one due job (this one, or the oldest due) for this worker alone; None when there is none."""
    with transaction.atomic():
        due = (
            AIDiaryJob.objects.select_for_update(skip_locked=True)
            .select_related("owner")
            .filter(status=AIDiaryJob.Status.PENDING, run_after__lte=timezone.now())
        )
        if job_id is not None:
            due = due.filter(pk=job_id)
        job = due.order_by("run_after").first()
        if job is None:
            return None
        job.status, job.attempts = AIDiaryJob.Status.RUNNING, job.attempts + 1
        job.save(update_fields=["status", "attempts", "updated_at"])
    return job


ABANDONED_DIARY_REASON = "The worker writing this diary stopped before it finished."


@transaction.atomic
def diary_jobs_abandoned_requeue(*, untouched_for: timedelta, max_attempts: int) -> int:
    """Jobs left `running` by a worker that stopped mid-write, untouched for `untouched_for`: due again while they
    have attempts left, else failed (the diary page's button can ask again)."""
    now = timezone.now()
    stale = AIDiaryJob.objects.filter(status=AIDiaryJob.Status.RUNNING, updated_at__lt=now - untouched_for)
    again = stale.filter(attempts__lt=max_attempts).update(
        status=AIDiaryJob.Status.PENDING, run_after=now, last_error=ABANDONED_DIARY_REASON, updated_at=now
    )
    failed = stale.update(status=AIDiaryJob.Status.FAILED, last_error=ABANDONED_DIARY_REASON, updated_at=now)
    return again + failed


def diary_job_finish(job: AIDiaryJob, outcome: str) -> AIDiaryJob:
    job.status, job.outcome, job.last_error = AIDiaryJob.Status.DONE, outcome[:200], ""
    job.save(update_fields=["status", "outcome", "last_error", "updated_at"])
    return job


def diary_job_fail(job: AIDiaryJob, reason: str, *, retry_in: timedelta | None = None) -> AIDiaryJob:
    """Failed for good, or (with `retry_in`) back in the queue for another try."""
    job.last_error = reason[:2000]
    if retry_in is not None:
        job.status, job.run_after = AIDiaryJob.Status.PENDING, timezone.now() + retry_in
    else:
        job.status = AIDiaryJob.Status.FAILED
    job.save(update_fields=["status", "run_after", "last_error", "updated_at"])
    return job
