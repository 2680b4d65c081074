from django.apps import AppConfig


class ChatsConfig(AppConfig):
    """Conversations with language models (Quillium `chats` and `messages`)."""

    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = "Chat"
    nav_url_name = "chats:list"
