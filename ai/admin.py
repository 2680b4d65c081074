"""Admin for AI: provider configs (API key write-only), the usage ledger, and per-user limits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from ai import services
from ai.models import AIConfig, TokenUsage, UserTokenLimit
from ai.validators import validate_api_key
from quillium_site.admin_mixins import ServiceRulesAdmin


class AIConfigForm(forms.ModelForm):
    api_key = forms.CharField(
        label=gettext_lazy("API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Write-only: leave empty to keep the stored key. Stored encrypted."),
        validators=[validate_api_key],
    )
    clear_api_key = forms.BooleanField(label=gettext_lazy("Remove the stored API key"), required=False)

    class Meta:
        model = AIConfig
        fields = ["key", "provider", "base_url", "model", "vision", "temperature", "max_tokens", "timeout_seconds"]


@admin.register(AIConfig)
class AIConfigAdmin(admin.ModelAdmin):
    form = AIConfigForm
    list_display = ["key", "provider", "base_url", "model", "vision", "has_api_key", "timeout_seconds", "updated_at"]
    list_filter = ["provider", "vision"]
    search_fields = ["key", "base_url", "model"]
    fields = [
        "key",
        "provider",
        "base_url",
        "api_key",
        "clear_api_key",
        "model",
        "vision",
        "temperature",
        "max_tokens",
        "timeout_seconds",
    ]

    @admin.display(boolean=True, description=gettext_lazy("API key"))
    def has_api_key(self, obj: AIConfig) -> bool:
        return obj.has_api_key

    def save_model(self, request: HttpRequest, obj: AIConfig, form: Any, change: bool) -> None:
        api_key = "" if form.cleaned_data.get("clear_api_key") else (form.cleaned_data.get("api_key") or None)
        services.ai_config_save(obj, api_key=api_key)

    def delete_model(self, request: HttpRequest, obj: AIConfig) -> None:
        services.ai_config_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for config in queryset:
            services.ai_config_delete(config)


@admin.register(TokenUsage)
class TokenUsageAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "user",
        "model",
        "feature",
        "requests",
        "prompt_tokens",
        "completion_tokens",
        "estimated_tokens",
    ]
    list_filter = ["feature", "day", "model"]
    search_fields = ["user__email", "model"]
    list_select_related = ["user"]
    date_hierarchy = "day"
    readonly_fields = [field.name for field in TokenUsage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TokenUsage | None = None) -> bool:
        return False  # the ledger is written by the app only


@admin.register(UserTokenLimit)
class UserTokenLimitAdmin(ServiceRulesAdmin, admin.ModelAdmin):
    list_display = ["user", "daily_tokens"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: UserTokenLimit | None = None) -> list[str]:
        return ["user"] if obj else []

    def save_model(self, request: HttpRequest, obj: UserTokenLimit, form: Any, change: bool) -> None:
        saved = services.user_token_limit_set(obj.user, form.cleaned_data["daily_tokens"])
        obj.pk, obj.daily_tokens = saved.pk, saved.daily_tokens
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: UserTokenLimit) -> None:
        services.user_token_limit_clear(obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for limit in queryset.select_related("user"):
            services.user_token_limit_clear(limit.user)
