"""Chats and their messages (Quillium `chats` and `messages`), plus folders to file chats in."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy

from chats.querysets import ChatQuerySet, FolderQuerySet

DEFAULT_TITLE = "New chat"


class Folder(models.Model):
    """A user's folder of chats."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_folders",
        verbose_name=gettext_lazy("owner"),
    )
    name = models.CharField(max_length=100, verbose_name=gettext_lazy("name"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    objects = FolderQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("folder")
        verbose_name_plural = gettext_lazy("folders")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="chats_folder_unique_name")]

    def __str__(self) -> str:
        return self.name


class Chat(models.Model):
    """One conversation of one user with a model."""

    class TitleSource(models.TextChoices):
        DEFAULT = "default", gettext_lazy("Default")
        AUTO = "auto", gettext_lazy("Generated")
        MANUAL = "manual", gettext_lazy("Set by the user")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chats", verbose_name=gettext_lazy("owner")
    )
    title = models.CharField(max_length=255, default=DEFAULT_TITLE, verbose_name=gettext_lazy("title"))
    title_source = models.CharField(
        max_length=10,
        choices=TitleSource.choices,
        default=TitleSource.DEFAULT,
        verbose_name=gettext_lazy("title source"),
    )
    ai_config = models.ForeignKey(
        "ai.AIConfig",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("AI config"),
        help_text=gettext_lazy("The provider this chat asks; empty: the `chat` config."),
    )
    model = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Empty: its config's model."),
        verbose_name=gettext_lazy("model"),
    )
    system_prompt = models.TextField(blank=True, verbose_name=gettext_lazy("system prompt"))
    pinned = models.BooleanField(default=False, verbose_name=gettext_lazy("pinned"))
    is_archived = models.BooleanField(
        default=False,
        db_default=False,
        help_text=gettext_lazy("Kept and found by search, but out of the chat list and the sidebar."),
        verbose_name=gettext_lazy("archived"),
    )
    use_notes = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Answer from the user's own notes: related memos go into the prompt, cited."),
        verbose_name=gettext_lazy("use notes"),
    )
    folder = models.ForeignKey(
        Folder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats",
        verbose_name=gettext_lazy("folder"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    objects = ChatQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("chat")
        verbose_name_plural = gettext_lazy("chats")
        ordering = ["-pinned", "-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="chats_chat_owner_updated"),
            # Search in any script (晚饭 inside a title): trigrams of the upper-cased title, as memos do.
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="chats_chat_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("chats:detail", args=[self.pk])


class Message(models.Model):
    """One turn of a chat; an assistant message records how its reply went."""

    class Role(models.TextChoices):
        SYSTEM = "system", gettext_lazy("System")
        USER = "user", gettext_lazy("User")
        ASSISTANT = "assistant", gettext_lazy("Assistant")

    class Status(models.TextChoices):
        COMPLETE = "complete", gettext_lazy("Complete")
        STREAMING = "streaming", gettext_lazy("Streaming")
        FAILED = "failed", gettext_lazy("Failed")
        STOPPED = "stopped", gettext_lazy("Stopped")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages", verbose_name=gettext_lazy("chat"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        help_text=gettext_lazy("The message this one follows: a reply's question, a question's previous reply."),
        verbose_name=gettext_lazy("parent"))  # fmt: skip
    active = models.BooleanField(
        default=True,
        help_text=gettext_lazy("The version shown among its siblings (regenerated replies, edited questions)."),
        verbose_name=gettext_lazy("active"),
    )
    role = models.CharField(max_length=10, choices=Role.choices, verbose_name=gettext_lazy("role"))
    content = models.TextField(blank=True, verbose_name=gettext_lazy("content"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.COMPLETE, verbose_name=gettext_lazy("status")
    )
    error = models.TextField(
        blank=True,
        help_text=gettext_lazy("What went wrong, in words a person can act on."),
        verbose_name=gettext_lazy("error"),
    )
    error_kind = models.CharField(max_length=20, blank=True, verbose_name=gettext_lazy("error kind"))
    model = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The model that wrote an assistant message."),
        verbose_name=gettext_lazy("model"),
    )
    tokens = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("This message's tokens (completion, for replies)."),
        verbose_name=gettext_lazy("tokens"),
    )
    prompt_tokens = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Tokens of the prompt a reply answered."),
        verbose_name=gettext_lazy("prompt tokens"),
    )
    tokens_estimated = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Counted by us: the provider reported none."),
        verbose_name=gettext_lazy("tokens estimated"),
    )
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The user's notes given to the model for this reply: id, url, date, title."),
        verbose_name=gettext_lazy("sources"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("message")
        verbose_name_plural = gettext_lazy("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["chat", "created_at", "id"], name="chats_message_chat_created"),
            GinIndex(OpClass(Upper("content"), name="gin_trgm_ops"), name="chats_message_content_trgm"),
        ]
        constraints = [
            # One reply at a time per chat, enforced by the database rather than a lock.
            models.UniqueConstraint(
                fields=["chat"], condition=models.Q(status="streaming"), name="chats_message_one_running_reply"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"


class ChatShare(models.Model):
    """A read-only copy of a conversation as it stood when shared, behind a link; revoking it ends the link. The
    link's token is kept only as its SHA-256 (like API keys): it is shown once, when made."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="shares", verbose_name=gettext_lazy("chat"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=gettext_lazy("key hash"))
    title = models.CharField(max_length=255, verbose_name=gettext_lazy("title"))
    snapshot = models.JSONField(
        default=list,
        help_text=gettext_lazy("The conversation at share time: role and text of each turn."),
        verbose_name=gettext_lazy("snapshot"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("revoked at"))

    class Meta:
        verbose_name = gettext_lazy("chat share")
        verbose_name_plural = gettext_lazy("chat shares")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.chat_id}: {self.title}"


def chat_file_path(attachment: ChatFile, filename: str) -> str:
    return f"chats/{attachment.chat.owner_id}/{attachment.pk}/{filename}"


class ChatFile(models.Model):
    """A file attached in the message box: an image goes to a vision model as an image, the text of a text,
    Markdown or PDF file goes along as context. Kept through Django's storage (local or S3), deleted with the chat."""

    class Kind(models.TextChoices):
        IMAGE = "image", gettext_lazy("Image")
        TEXT = "text", gettext_lazy("Text")
        PDF = "pdf", gettext_lazy("PDF")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="files", verbose_name=gettext_lazy("chat"))
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        help_text=gettext_lazy("The question it was sent with; empty until sent."),
        verbose_name=gettext_lazy("message"),
    )
    filename = models.CharField(max_length=255, verbose_name=gettext_lazy("filename"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    mime_type = models.CharField(
        max_length=100,
        help_text=gettext_lazy("Detected from the content, not taken from the client."),
        verbose_name=gettext_lazy("MIME type"),
    )
    file_size = models.PositiveBigIntegerField(verbose_name=gettext_lazy("file size"))
    file = models.FileField(upload_to=chat_file_path, max_length=500, verbose_name=gettext_lazy("file"))
    text = models.TextField(
        blank=True,
        help_text=gettext_lazy("The text given to the model (of text and PDF files), cut at the site's limit."),
        verbose_name=gettext_lazy("text"),
    )
    truncated = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Its text was longer than the limit and was cut."),
        verbose_name=gettext_lazy("truncated"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("chat file")
        verbose_name_plural = gettext_lazy("chat files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename
