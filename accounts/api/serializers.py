"""Shapes of the accounts API: input validation and output, no business logic."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import ApiKey, Role, User, UserSettings


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=255)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class LogoutInput(serializers.Serializer):
    refresh = serializers.CharField(help_text=gettext_lazy("The refresh token to revoke."))
    everywhere = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Also revoke every other refresh token.")
    )


class UserOutput(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "avatar_url", "is_staff", "role", "created_at", "last_login"]
        read_only_fields = fields

    def get_role(self, user: User) -> str:
        if user.is_staff:
            return Role.ADMIN
        return Role.GUEST if user.is_guest else Role.USER


class MeInput(serializers.Serializer):
    email = serializers.EmailField(max_length=255, required=False)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    avatar_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class UserSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = UserSettings
        fields = ["theme", "language", "notifications_enabled", "timezone", "updated_at"]
        read_only_fields = ["updated_at"]


class ApiKeyOutput(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scope", "status", "created_at", "last_used_at", "expires_at", "revoked_at"]
        read_only_fields = fields


class ApiKeyCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    scope = serializers.ChoiceField(choices=ApiKey.Scope.choices, default=ApiKey.Scope.WRITE)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(help_text=gettext_lazy("The key itself. Shown only in this response: store it now."))

    class Meta(ApiKeyOutput.Meta):
        fields = [*ApiKeyOutput.Meta.fields, "key"]
        read_only_fields = fields
