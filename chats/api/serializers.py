"""Shapes of the chats API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ai.api.serializers import ConfigNameField
from chats.models import Chat, ChatFile, Folder, Message


class FolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Folder
        fields = ["id", "name", "created_at"]
        read_only_fields = ["id", "created_at"]


class FolderField(serializers.PrimaryKeyRelatedField):
    """Only the requesting user's folders can be chosen (others don't exist for them)."""

    def get_queryset(self):
        request = self.context.get("request")
        return Folder.objects.visible_to(request.user) if request else Folder.objects.none()


class ChatSerializer(serializers.ModelSerializer):
    folder = FolderField(required=False, allow_null=True)
    message_count = serializers.IntegerField(read_only=True)
    ai_config = ConfigNameField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Name of the AI config this chat asks (see /api/v1/ai/providers/); null: the chat config."
        ),
    )

    class Meta:
        model = Chat
        fields = [
            "id",
            "title",
            "title_source",
            "ai_config",
            "model",
            "system_prompt",
            "pinned",
            "is_archived",
            "use_notes",
            "folder",
            "message_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "title_source", "message_count", "created_at", "updated_at"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}


class ChatFileSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(source="file_size", read_only=True)
    message: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=gettext_lazy("The question it was sent with; null while unsent.")
    )
    url = serializers.SerializerMethodField(help_text=gettext_lazy("Where its owner downloads it (signed in)."))
    text_chars = serializers.SerializerMethodField(
        help_text=gettext_lazy("Characters of its text that go to the model (text and PDF files).")
    )

    class Meta:
        model = ChatFile
        fields = ["id", "message", "filename", "kind", "mime_type", "size", "text_chars", "truncated", "url",
                  "created_at"]  # fmt: skip
        read_only_fields = fields

    def get_url(self, attachment: ChatFile) -> str:
        return reverse("chats:file", args=[attachment.chat_id, attachment.pk])

    def get_text_chars(self, attachment: ChatFile) -> int:
        return len(attachment.text)


class ChatFileUpload(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("An image, a text or Markdown file, or a PDF."))


class MessageSerializer(serializers.ModelSerializer):
    files = ChatFileSerializer(many=True, read_only=True)
    version = serializers.SerializerMethodField(
        help_text=gettext_lazy("Which version of this turn (1-based), in the shown path.")
    )
    versions = serializers.SerializerMethodField(
        help_text=gettext_lazy("Ids of every version of this turn, oldest first.")
    )

    class Meta:
        model = Message
        fields = [
            "id",
            "parent",
            "active",
            "version",
            "versions",
            "role",
            "content",
            "status",
            "error",
            "error_kind",
            "model",
            "tokens",
            "prompt_tokens",
            "tokens_estimated",
            "sources",
            "files",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_version(self, message: Message) -> int | None:
        return self.context.get("versions", {}).get(message.pk, {}).get("version")

    def get_versions(self, message: Message) -> list[int]:
        return self.context.get("versions", {}).get(message.pk, {}).get("versions", [message.pk])


class MessageInput(serializers.Serializer):
    content = serializers.CharField(max_length=100_000, trim_whitespace=True, allow_blank=True)
    files = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Ids of this chat's unsent files (POST /chats/{id}/files/) to send with the message."),
    )


class ExchangeOutput(serializers.Serializer):
    question = MessageSerializer(allow_null=True)
    reply = MessageSerializer()


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ShareCreatedSerializer(ShareSerializer):
    url = serializers.URLField(
        read_only=True, help_text=gettext_lazy("The read-only link; shown this once (only its hash is kept).")
    )
