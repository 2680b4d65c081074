from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class GamestatsConfig(AppConfig):
    """The Discord bot's backend (UtilsBot+): game stats, API quotas, command logs, leaderboards."""

    name = "gamestats"
    verbose_name = gettext_lazy("Game stats")
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Game stats")
    nav_url_name = "gamestats:overview"
    nav_staff_only = True

    def ready(self) -> None:
        from gamestats import site_settings  # noqa: F401  (declares the game stats site settings)
