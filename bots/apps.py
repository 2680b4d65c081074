from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy


class BotsConfig(AppConfig):
    """Companions that answer inside notes, with memory, and the diaries written each night (Mosaic bots)."""

    name = "bots"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Bots")
    nav_url_name = "bots:list"

    def settings_section(self, request: HttpRequest) -> dict[str, object]:
        """The AI diary switch on the account settings page."""
        from accounts.principals import signed_in
        from bots.models import DiaryPreference

        preference = DiaryPreference.objects.filter(user=signed_in(request)).first()
        return {
            "template": "bots/settings_section.html",
            "context": {"diaries_on": bool(preference and preference.enabled)},
        }

    def diary_section(self, request: HttpRequest, day: Any) -> dict[str, object]:
        """Writing a day's diary with AI, on the diary page."""
        from accounts.principals import signed_in
        from bots.models import AIDiaryJob

        job = AIDiaryJob.objects.filter(owner=signed_in(request), target_date=day).first()
        return {"template": "bots/diary_section.html", "context": {"day": day, "job": job}}

    def memo_section(self, request: HttpRequest, memo: Any) -> dict[str, object]:
        """The bots' thread under a memo on its page."""
        from bots import selectors

        return {"template": "bots/memo_section.html", "context": selectors.memo_thread(memo)}

    def ready(self) -> None:
        from bots import receivers

        receivers.connect()
