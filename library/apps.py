from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """The household's audio-work library (kikoeru): scanned from disk, streamed, reviewed."""

    name = "library"
    default_auto_field = "django.db.models.BigAutoField"
