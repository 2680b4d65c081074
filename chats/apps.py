from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ChatsConfig(AppConfig):
    """Conversations with language models (Quillium `chats` and `messages`)."""

    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Chat")
    nav_url_name = "chats:list"

    def ready(self) -> None:
        from chats import site_settings  # noqa: F401  (declares the chat site settings)

    def stored_files_of(self, user: Any) -> list[str]:
        """The storage names of the user's chat files (deleted with the user: see accounts.services.user_delete)."""
        from chats.models import ChatFile

        return list(ChatFile.objects.filter(chat__owner=user).values_list("file", flat=True))
