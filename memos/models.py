"""Memos (Mosaic `memos`), their history (`memo_revisions`), attachments (`resources`) and diaries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy
from pgvector.django import VectorField

from memos import sync_triggers
from memos.querysets import DiaryQuerySet, MemoQuerySet

SEARCH_CONFIG = "english"


class Visibility(models.TextChoices):
    """Who may read a memo (usememos' private / protected / public)."""

    PRIVATE = "private", gettext_lazy("Private")
    HOUSEHOLD = "household", gettext_lazy("Household")
    PUBLIC = "public", gettext_lazy("Public")


class Memo(models.Model):
    """A note in Markdown; its tags are the explicit ones plus the #hashtags in its text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memos", verbose_name=gettext_lazy("owner")
    )
    content = models.TextField(verbose_name=gettext_lazy("content"))
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True, verbose_name=gettext_lazy("tags"))
    pinned = models.BooleanField(default=False, verbose_name=gettext_lazy("pinned"))
    is_archived = models.BooleanField(default=False, verbose_name=gettext_lazy("archived"))
    is_deleted = models.BooleanField(
        default=False,
        help_text=gettext_lazy("In the trash; restorable until purged."),
        verbose_name=gettext_lazy("deleted"),
    )
    deleted_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("deleted at"))
    diary_date = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The day this memo belongs to in the diary."),
        verbose_name=gettext_lazy("diary date"),
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        db_default=Visibility.PRIVATE,
        help_text=gettext_lazy(
            "Private: only you. Household: everyone signed in to this site. "
            "Public: anyone with its link, and your feed."
        ),
        verbose_name=gettext_lazy("visibility"),
    )
    revision_count = models.PositiveIntegerField(default=1, verbose_name=gettext_lazy("revision count"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    change_seq = models.BigIntegerField(
        db_default=0,
        editable=False,
        help_text=gettext_lazy("Position in the owner's change sequence (set by the database)."),
        verbose_name=gettext_lazy("change sequence"),
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("content", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=gettext_lazy("search index"),
    )

    objects = MemoQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("memo")
        verbose_name_plural = gettext_lazy("memos")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="memos_memo_owner_created"),
            models.Index(fields=["owner", "diary_date"], name="memos_memo_owner_diary"),
            GinIndex(fields=["tags"], name="memos_memo_tags"),
            GinIndex(fields=["search_vector"], name="memos_memo_fts"),
            # Substring search in any script (日记 inside 今天的日记很长): trigrams of the upper-cased text.
            GinIndex(OpClass(Upper("content"), name="gin_trgm_ops"), name="memos_memo_trgm"),
            models.Index(fields=["owner", "change_seq"], name="memos_memo_owner_seq"),
            # Explore: everyone's shared memos, newest first (a small part of all memos).
            models.Index(
                fields=["-created_at"],
                name="memos_memo_shared",
                condition=models.Q(visibility__in=["household", "public"], is_deleted=False, is_archived=False),
            ),
        ]
        triggers = sync_triggers.for_entity("memo")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("memos:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The first non-empty line, without Markdown heading marks."""
        for line in self.content.splitlines():
            if line.strip():
                return line.strip().lstrip("#").strip()[:120]
        return "(empty)"


class MemoLink(models.Model):
    """One memo referring to another (`[[title or id]]` or a pasted memo address), kept for the "Linked from" list.
    Who may see either end is decided when it is shown, never here."""

    source = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="links_out", verbose_name=gettext_lazy("from memo")
    )
    target = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="links_in", verbose_name=gettext_lazy("to memo")
    )

    class Meta:
        verbose_name = gettext_lazy("memo link")
        verbose_name_plural = gettext_lazy("memo links")
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="memos_memolink_unique")]
        indexes = [models.Index(fields=["target"], name="memos_memolink_target")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class MemoPreference(models.Model):
    """A person's choices about their notes (a row once they change one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="memo_preference",
        verbose_name=gettext_lazy("user"),
    )
    revision_summaries = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Ask the `summary` AI config (else `chat`) for a one-line summary of each new revision of a memo."
        ),
        verbose_name=gettext_lazy("revision summaries"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("memo preference")
        verbose_name_plural = gettext_lazy("memo preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: summaries {'on' if self.revision_summaries else 'off'}"


class MemoRevision(models.Model):
    """One state of a memo; history is only ever appended to (restoring writes a new revision)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="revisions", verbose_name=gettext_lazy("memo")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memo_revisions",
        verbose_name=gettext_lazy("user"),
    )
    revision_number = models.PositiveIntegerField(verbose_name=gettext_lazy("revision number"))
    content = models.TextField(verbose_name=gettext_lazy("content"))
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True, verbose_name=gettext_lazy("tags"))
    ai_summary = models.TextField(blank=True, verbose_name=gettext_lazy("AI summary"))
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        db_default=Visibility.PRIVATE,
        verbose_name=gettext_lazy("visibility"),
    )
    is_deleted = models.BooleanField(default=False, verbose_name=gettext_lazy("deleted"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    change_seq = models.BigIntegerField(
        db_default=0,
        editable=False,
        help_text=gettext_lazy("Position in the owner's change sequence (set by the database)."),
        verbose_name=gettext_lazy("change sequence"),
    )

    class Meta:
        verbose_name = gettext_lazy("memo revision")
        verbose_name_plural = gettext_lazy("memo revisions")
        ordering = ["memo", "-revision_number"]
        constraints = [models.UniqueConstraint(fields=["memo", "revision_number"], name="memos_revision_unique_number")]
        indexes = [models.Index(fields=["change_seq"], name="memos_revision_seq")]
        triggers = sync_triggers.for_entity("revision")

    def __str__(self) -> str:
        return f"{self.memo_id} r{self.revision_number}"


class MemoEmbedding(models.Model):
    """The vector of a memo's text (Mosaic `memo_embeddings`), for semantic search.

    The column has no fixed dimension so it can follow the configured model; each dimension in use gets its own
    partial HNSW index over `embedding::vector(N)` (see the migrations). `owner` repeats the memo's owner so the
    index scan can filter by user without a join.
    """

    memo = models.OneToOneField(
        Memo, on_delete=models.CASCADE, primary_key=True, related_name="embedding", verbose_name=gettext_lazy("memo")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("owner")
    )
    source_text = models.TextField(
        help_text=gettext_lazy("The text that was embedded; unchanged text isn't embedded again."),
        verbose_name=gettext_lazy("source text"),
    )
    provider = models.CharField(max_length=50, verbose_name=gettext_lazy("provider"))
    model = models.CharField(max_length=200, verbose_name=gettext_lazy("model"))
    dimensions = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("dimensions"))
    embedding = VectorField(verbose_name=gettext_lazy("embedding"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("memo embedding")
        verbose_name_plural = gettext_lazy("memo embeddings")
        indexes = [models.Index(fields=["owner", "dimensions"], name="memos_embedding_owner_dims")]

    def __str__(self) -> str:
        return f"{self.memo_id} ({self.model}, {self.dimensions})"


def resource_upload_path(resource: Resource, filename: str) -> str:
    return f"resources/{resource.owner_id}/{resource.pk}/{filename}"


class Resource(models.Model):
    """A file attached to a memo (Mosaic `resources`), kept through Django's storage API."""

    class Kind(models.TextChoices):
        IMAGE = "image", gettext_lazy("Image")
        AUDIO = "audio", gettext_lazy("Audio")
        VIDEO = "video", gettext_lazy("Video")
        DOCUMENT = "document", gettext_lazy("Document")
        OTHER = "other", gettext_lazy("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resources", verbose_name=gettext_lazy("owner")
    )
    memo = models.ForeignKey(
        Memo,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=gettext_lazy("memo"),
    )
    filename = models.CharField(max_length=255, verbose_name=gettext_lazy("filename"))
    resource_type = models.CharField(max_length=10, choices=Kind.choices, verbose_name=gettext_lazy("resource type"))
    mime_type = models.CharField(
        max_length=100,
        help_text=gettext_lazy("Detected from the content, not taken from the client."),
        verbose_name=gettext_lazy("MIME type"),
    )
    file_size = models.PositiveBigIntegerField(verbose_name=gettext_lazy("file size"))
    storage_type = models.CharField(
        max_length=20,
        help_text=gettext_lazy("Which storage backend holds the file."),
        verbose_name=gettext_lazy("storage type"),
    )
    file = models.FileField(upload_to=resource_upload_path, max_length=500, verbose_name=gettext_lazy("file"))
    metadata = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("e.g. width and height of images."),
        verbose_name=gettext_lazy("metadata"),
    )
    is_deleted = models.BooleanField(default=False, verbose_name=gettext_lazy("deleted"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    change_seq = models.BigIntegerField(
        db_default=0,
        editable=False,
        help_text=gettext_lazy("Position in the owner's change sequence (set by the database)."),
        verbose_name=gettext_lazy("change sequence"),
    )

    class Meta:
        verbose_name = gettext_lazy("resource")
        verbose_name_plural = gettext_lazy("resources")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="memos_resource_owner_created"),
            models.Index(fields=["owner", "change_seq"], name="memos_resource_owner_seq"),
        ]
        triggers = sync_triggers.for_entity("resource")

    def __str__(self) -> str:
        return self.filename

    @property
    def storage_path(self) -> str:
        """Where the storage keeps the file (Mosaic's storage_path)."""
        return self.file.name or ""


# The moods the diary form offers and the diary bot may choose. The field is open text (the seed's, and what an AI
# writes), so a key not listed here is shown as written.
MOODS = {
    "happy": gettext_lazy("😊 happy"),
    "calm": gettext_lazy("😌 calm"),
    "tired": gettext_lazy("😴 tired"),
    "sad": gettext_lazy("😢 sad"),
    "anxious": gettext_lazy("😟 anxious"),
    "angry": gettext_lazy("😠 angry"),
    "excited": gettext_lazy("🤩 excited"),
    "grateful": gettext_lazy("🙏 grateful"),
}


class Diary(models.Model):
    """One user's summary and mood of one day (Mosaic `diaries`)."""

    class Source(models.TextChoices):
        MANUAL = "manual", gettext_lazy("Written by hand")
        AI = "ai", gettext_lazy("Generated")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diaries", verbose_name=gettext_lazy("owner")
    )
    date = models.DateField(verbose_name=gettext_lazy("date"))
    summary = models.TextField(blank=True, verbose_name=gettext_lazy("summary"))
    mood_key = models.CharField(
        max_length=32,
        blank=True,
        help_text=gettext_lazy("e.g. happy, calm, tired, sad."),
        verbose_name=gettext_lazy("mood key"),
    )
    mood_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=gettext_lazy("1 (low) to 5."),
        verbose_name=gettext_lazy("mood score"),
    )
    generation_source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.MANUAL, verbose_name=gettext_lazy("generation source")
    )
    auto_generation_locked = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Set by a manual edit: AI generation never overwrites this entry."),
        verbose_name=gettext_lazy("auto generation locked"),
    )
    generated_from_memo_ids = models.JSONField(
        default=list, blank=True, verbose_name=gettext_lazy("generated from memos")
    )
    is_deleted = models.BooleanField(default=False, verbose_name=gettext_lazy("deleted"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    change_seq = models.BigIntegerField(
        db_default=0,
        editable=False,
        help_text=gettext_lazy("Position in the owner's change sequence (set by the database)."),
        verbose_name=gettext_lazy("change sequence"),
    )

    objects = DiaryQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("diary")
        ordering = ["-date"]
        verbose_name_plural = gettext_lazy("diaries")
        constraints = [models.UniqueConstraint(fields=["owner", "date"], name="memos_diary_unique_day")]
        indexes = [models.Index(fields=["owner", "change_seq"], name="memos_diary_owner_seq")]
        triggers = sync_triggers.for_entity("diary")

    def __str__(self) -> str:
        return f"{self.owner_id} {self.date}"

    @property
    def mood_label(self) -> str:
        return str(MOODS.get(self.mood_key, self.mood_key))


class SyncEntity(models.TextChoices):
    MEMO = "memo", gettext_lazy("Memo")
    REVISION = "revision", gettext_lazy("Revision")
    RESOURCE = "resource", gettext_lazy("Attachment")
    DIARY = "diary", gettext_lazy("Diary")


class SyncTombstone(models.Model):
    """A row that was deleted for good, kept so devices learn about it (written by a database trigger)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_CASCADE, related_name="+", verbose_name=gettext_lazy("owner")
    )
    entity_type = models.CharField(max_length=10, choices=SyncEntity.choices, verbose_name=gettext_lazy("entity type"))
    entity_id = models.CharField(
        max_length=64,
        help_text=gettext_lazy("The id (a diary's date) of what was deleted."),
        verbose_name=gettext_lazy("entity id"),
    )
    change_seq = models.BigIntegerField(verbose_name=gettext_lazy("change sequence"))
    deleted_at = models.DateTimeField(verbose_name=gettext_lazy("deleted at"))

    class Meta:
        verbose_name = gettext_lazy("sync tombstone")
        verbose_name_plural = gettext_lazy("sync tombstones")
        indexes = [models.Index(fields=["owner", "change_seq"], name="memos_tombstone_owner_seq")]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_id} (deleted)"


class SyncHorizon(models.Model):
    """Tombstones of this user up to `pruned_through` were pruned: a device whose cursor is behind that can't learn
    what was deleted, so it has to download everything again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    pruned_through = models.BigIntegerField(verbose_name=gettext_lazy("pruned through"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("sync horizon")
        verbose_name_plural = gettext_lazy("sync horizons")

    def __str__(self) -> str:
        return f"{self.user_id} pruned through {self.pruned_through}"


class SyncCursor(models.Model):
    """How far one device of a user has confirmed it pulled one kind of change (Mosaic `sync_cursors`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sync_cursors",
        verbose_name=gettext_lazy("user"),
    )
    client_id = models.CharField(
        max_length=100,
        help_text=gettext_lazy("Chosen by the device, e.g. phone-7f3a."),
        verbose_name=gettext_lazy("client id"),
    )
    entity_type = models.CharField(max_length=10, choices=SyncEntity.choices, verbose_name=gettext_lazy("entity type"))
    last_seq = models.BigIntegerField(
        default=0,
        help_text=gettext_lazy("Every change up to this position has been received."),
        verbose_name=gettext_lazy("last sequence"),
    )
    last_sync_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("last sync at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("sync cursor")
        verbose_name_plural = gettext_lazy("sync cursors")
        ordering = ["user", "client_id", "entity_type"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id", "entity_type"], name="memos_synccursor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.entity_type} @{self.last_seq}"
