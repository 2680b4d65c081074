from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AiConfig(AppConfig):
    """AI providers: their configs, the LLM and embedding client, and the token-usage ledger and quotas."""

    name = "ai"
    verbose_name = gettext_lazy("AI")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ai import site_settings  # noqa: F401  (declares the AI site settings)

        # "On first start": the chat config is seeded from AI_* variables right after migrations.
        post_migrate.connect(_seed_after_migrate, sender=self)

    def settings_section(self, request: Any) -> dict[str, Any]:
        """Today's token usage and allowance, shown on the account settings page."""
        from ai.services import quota_summary

        return {"template": "ai/settings_usage.html", "context": {"usage": quota_summary(request.user)}}

    def health_checks(self) -> dict[str, Callable[[], dict[str, Any]]]:
        from ai.health import check_chat_provider

        return {"ai": check_chat_provider}


def _seed_after_migrate(sender: AiConfig, **kwargs: Any) -> None:
    from ai.services import seed_chat_config_from_environment

    seed_chat_config_from_environment()
