from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The ground floor: users, settings, API keys and site settings. Imports no other Quillium app."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
