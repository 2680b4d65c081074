from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ChatsConfig(AppConfig):
    """Conversations with language models (Quillium `chats` and `messages`)."""

    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Chat")
    nav_url_name = "chats:list"
