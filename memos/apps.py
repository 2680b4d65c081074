from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest


class MemosConfig(AppConfig):
    """The notes journal (Mosaic): memos with revisions, attachments, diaries and keyword search."""

    name = "memos"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = "Memos"
    nav_url_name = "memos:timeline"

    def settings_section(self, request: HttpRequest) -> dict[str, object]:
        """Export and import of the user's notes, and the devices that sync them, on the account settings page."""
        from accounts.principals import signed_in
        from memos import sync

        return {"template": "memos/settings_section.html", "context": {"devices": sync.devices(signed_in(request))}}

    def ready(self) -> None:
        from memos import site_settings  # noqa: F401  (declares the memo site settings)
