"""Companions that answer inside notes (Mosaic `bots`, `bot_replies`, `bot_reply_resources`) and the nightly
AI diaries (`ai_diary_jobs`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy

from bots.querysets import BotQuerySet, ReplyQuerySet

NAME_PATTERN = r"^[\w-]{1,40}$"  # what `@name` can mention: letters of any script, digits, _ and -


class Bot(models.Model):
    """A companion with a persona; it answers memos that carry one of its tags, mention `@name`, or all of them
    (`auto_reply`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bots", verbose_name=gettext_lazy("owner")
    )
    name = models.CharField(
        max_length=40,
        validators=[RegexValidator(NAME_PATTERN, "Letters, digits, _ and - only (it is how @name mentions it).")],
        verbose_name=gettext_lazy("name"),
    )
    avatar_url = models.URLField(gettext_lazy("avatar URL"), max_length=500, blank=True)
    avatar = models.ImageField(
        upload_to="bots/avatars/",
        blank=True,
        help_text=gettext_lazy("An uploaded picture wins over the URL."),
        verbose_name=gettext_lazy("avatar"),
    )
    description = models.TextField(
        blank=True,
        help_text=gettext_lazy("Its persona: who it is and how it answers."),
        verbose_name=gettext_lazy("description"),
    )
    tags = ArrayField(
        models.CharField(max_length=64),
        default=list,
        blank=True,
        help_text=gettext_lazy("Memos with these tags."),
        verbose_name=gettext_lazy("tags"),
    )
    auto_reply = models.BooleanField(
        default=False, help_text=gettext_lazy("Answer every new memo."), verbose_name=gettext_lazy("auto reply")
    )
    sort_order = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("sort order"))
    ai_config = models.ForeignKey(
        "ai.AIConfig",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bots",
        help_text=gettext_lazy("Its own provider; empty: the `bot` config, else the `chat` one."),
        verbose_name=gettext_lazy("AI config"),
    )
    model = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Empty: the config's model."),
        verbose_name=gettext_lazy("model"),
    )
    vision = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Its model reads images: the memo's pictures go along with the text."),
        verbose_name=gettext_lazy("reads images"),
    )
    is_deleted = models.BooleanField(default=False, verbose_name=gettext_lazy("deleted"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    objects = BotQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("bot")
        verbose_name_plural = gettext_lazy("bots")
        ordering = ["sort_order", "created_at"]
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), condition=Q(is_deleted=False), name="bots_unique_live_name_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initial(self) -> str:
        """What pages show without an uploaded avatar: they never load `avatar_url` (kept for API clients), which
        would tell an outside host who reads the page, and which the pages' CSP refuses anyway."""
        return self.name[:1].upper()


class BotReply(models.Model):
    """One answer of a bot under a memo: to the memo itself, or to a follow-up question in its thread."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting")
        RUNNING = "running", gettext_lazy("Writing")
        COMPLETE = "complete", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bot_replies",
        verbose_name=gettext_lazy("owner"),
    )
    memo = models.ForeignKey(
        "memos.Memo", on_delete=models.CASCADE, related_name="bot_replies", verbose_name=gettext_lazy("memo")
    )
    bot = models.ForeignKey(Bot, on_delete=models.CASCADE, related_name="replies", verbose_name=gettext_lazy("bot"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=gettext_lazy("parent"),
    )
    user_question = models.TextField(
        blank=True,
        help_text=gettext_lazy("The follow-up this reply answers (empty: the memo)."),
        verbose_name=gettext_lazy("user question"),
    )
    revision = models.ForeignKey(
        "memos.MemoRevision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=gettext_lazy("The revision it answered."),
        verbose_name=gettext_lazy("revision"),
    )
    content = models.TextField(blank=True, verbose_name=gettext_lazy("content"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    error = models.TextField(blank=True, verbose_name=gettext_lazy("error"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    model = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("model"))
    prompt_tokens = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("prompt tokens"))
    completion_tokens = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("completion tokens"))
    cited_memo_ids = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Memos its memory brought in."),
        verbose_name=gettext_lazy("cited memos"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("bot reply")
        ordering = ["created_at"]
        verbose_name_plural = gettext_lazy("bot replies")
        constraints = [
            # A memo gets at most one unasked reply from each bot, however often it is saved.
            models.UniqueConstraint(
                "memo", "bot", condition=Q(parent__isnull=True, user_question=""), name="bots_one_reply_per_memo"
            ),
        ]
        indexes = [models.Index(fields=["memo", "created_at"])]

    def __str__(self) -> str:
        return f"{self.bot} on {self.memo_id}"


class BotReplyResource(models.Model):
    """An attachment of the memo a reply cites (images go to vision-capable models as inputs)."""

    reply = models.ForeignKey(
        BotReply, on_delete=models.CASCADE, related_name="cited_resources", verbose_name=gettext_lazy("reply")
    )
    resource = models.ForeignKey(
        "memos.Resource", on_delete=models.CASCADE, related_name="bot_citations", verbose_name=gettext_lazy("resource")
    )
    sort_order = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("sort order"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("bot reply resource")
        verbose_name_plural = gettext_lazy("bot reply resources")
        ordering = ["sort_order"]
        constraints = [models.UniqueConstraint(fields=["reply", "resource"], name="bots_reply_resource_once")]

    def __str__(self) -> str:
        return f"{self.reply_id} cites {self.resource_id}"


class DiaryPreference(models.Model):
    """Whether the user wants a diary written from each day's memos (off until they opt in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="diary_preference",
        verbose_name=gettext_lazy("user"),
    )
    enabled = models.BooleanField(default=False, verbose_name=gettext_lazy("enabled"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("diary preference")
        verbose_name_plural = gettext_lazy("diary preferences")

    def __str__(self) -> str:
        return f"{self.user}: AI diaries {'on' if self.enabled else 'off'}"


class AIDiaryJob(models.Model):
    """Writing one user's diary for one day, due after their local midnight (Mosaic `ai_diary_jobs`)."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ai_diary_jobs",
        verbose_name=gettext_lazy("owner"),
    )
    target_date = models.DateField(verbose_name=gettext_lazy("target date"))
    run_after = models.DateTimeField(verbose_name=gettext_lazy("run after"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    last_error = models.TextField(blank=True, verbose_name=gettext_lazy("last error"))
    outcome = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("What the run did (written, skipped: why)."),
        verbose_name=gettext_lazy("outcome"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("AI diary job")
        verbose_name_plural = gettext_lazy("AI diary jobs")
        ordering = ["-target_date"]
        constraints = [models.UniqueConstraint(fields=["owner", "target_date"], name="bots_one_diary_job_per_day")]
        indexes = [models.Index(fields=["status", "run_after"], name="bots_diary_job_due")]

    def __str__(self) -> str:
        return f"{self.owner} {self.target_date}"
