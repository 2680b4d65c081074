"""Shapes of the AI API; provider API keys are write-only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ai.models import AIConfig, TokenUsage
from ai.validators import validate_api_key


class AIConfigSerializer(serializers.ModelSerializer):
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text=gettext_lazy("Write-only. Omit to keep the stored key; send an empty string to remove it."),
        validators=[validate_api_key],
    )
    has_api_key = serializers.BooleanField(read_only=True)

    class Meta:
        model = AIConfig
        fields = [
            "id",
            "key",
            "provider",
            "base_url",
            "api_key",
            "has_api_key",
            "model",
            "temperature",
            "max_tokens",
            "timeout_seconds",
            "vision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "has_api_key", "created_at", "updated_at"]


class ProviderSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(read_only=True, help_text=gettext_lazy("What it is the default for, or empty."))

    class Meta:
        model = AIConfig
        fields = ["key", "model", "purpose", "vision"]
        read_only_fields = fields


class ModelsOutput(serializers.Serializer):
    default = serializers.CharField()
    models = serializers.ListField(child=serializers.CharField())


class UsageRowSerializer(serializers.ModelSerializer):
    total_tokens = serializers.IntegerField(read_only=True)

    class Meta:
        model = TokenUsage
        fields = [
            "day",
            "model",
            "feature",
            "requests",
            "prompt_tokens",
            "completion_tokens",
            "estimated_tokens",
            "total_tokens",
        ]
        read_only_fields = fields


class UsageOutput(serializers.Serializer):
    used_today = serializers.IntegerField()
    daily_limit = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField(allow_null=True)
    resets_at = serializers.DateTimeField()
    days = UsageRowSerializer(many=True)


class ConfigNameField(serializers.SlugRelatedField):
    """An AI config chosen by its name (a chat's or a bot's). A name PostgreSQL can't hold (a NUL byte, from a
    form-encoded body the NUL guard doesn't parse) is no config's name: a 400, never a database error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="key", queryset=AIConfig.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> AIConfig:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)
