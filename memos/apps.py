from django.apps import AppConfig


class MemosConfig(AppConfig):
    """The notes journal (Mosaic): memos with revisions, attachments, diaries and keyword search."""

    name = "memos"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = "Memos"
    nav_url_name = "memos:timeline"

    def settings_section(self, request: object) -> dict[str, object]:
        """Export and import of the user's notes, and the devices that sync them, on the account settings page."""
        from memos import sync

        return {"template": "memos/settings_section.html", "context": {"devices": sync.devices(request.user)}}

    def ready(self) -> None:
        from memos import site_settings  # noqa: F401  (declares the memo site settings)
