"""Shapes of the bots API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ai.api.serializers import ConfigNameField
from bots.models import AIDiaryJob, Bot, BotReply, DiaryPreference
from bots.services import MAX_QUESTION_CHARS


class BotSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=64), max_length=50, required=False)
    ai_config = ConfigNameField(
        required=False, allow_null=True,
        help_text=gettext_lazy("Key of its own AI config (chat, bot, …); null: the bot config, else chat."),
    )  # fmt: skip
    avatar = serializers.SerializerMethodField()

    class Meta:
        model = Bot
        fields = ["id", "name", "description", "tags", "auto_reply", "avatar_url", "avatar", "ai_config", "model",
                  "vision", "sort_order", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "avatar", "sort_order", "created_at", "updated_at"]

    def get_avatar(self, bot: Bot) -> str:
        return bot.avatar.url if bot.avatar else bot.avatar_url


class ReorderInput(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.UUIDField(), max_length=500, help_text=gettext_lazy("Bot ids, first first.")
    )


class AvatarInput(serializers.Serializer):
    avatar = serializers.ImageField()


class ReplySerializer(serializers.ModelSerializer):
    bot = serializers.UUIDField(source="bot_id", read_only=True)
    bot_name = serializers.CharField(source="bot.name", read_only=True)
    parent = serializers.UUIDField(source="parent_id", read_only=True)  # type: ignore[assignment]  # API field
    revision_number = serializers.SerializerMethodField()
    cited_resources = serializers.SerializerMethodField()

    class Meta:
        model = BotReply
        fields = ["id", "memo", "bot", "bot_name", "parent", "user_question", "revision_number", "content", "status",
                  "error", "model", "prompt_tokens", "completion_tokens", "cited_memo_ids", "cited_resources",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_revision_number(self, reply: BotReply) -> int | None:
        return reply.revision.revision_number if reply.revision_id and reply.revision else None

    def get_cited_resources(self, reply: BotReply) -> list[str]:
        return [str(link.resource_id) for link in reply.cited_resources.all()]


class AskInput(serializers.Serializer):
    bot = serializers.UUIDField()
    question = serializers.CharField(max_length=MAX_QUESTION_CHARS)
    parent = serializers.UUIDField(required=False, allow_null=True)  # type: ignore[assignment]  # API field


class DiaryJobSerializer(serializers.ModelSerializer):
    """An AI diary job: due after `run_after`, its status, and what its last run did."""

    class Meta:
        model = AIDiaryJob
        fields = ["id", "target_date", "status", "attempts", "outcome", "last_error", "run_after", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields


class DiaryPreferenceSerializer(serializers.ModelSerializer):
    enabled = serializers.BooleanField(
        help_text=gettext_lazy("Write a diary from each day's memos after the user's midnight.")
    )

    class Meta:
        model = DiaryPreference
        fields = ["enabled", "updated_at"]
        read_only_fields = ["updated_at"]
