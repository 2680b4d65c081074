from django.apps import AppConfig


class GamestatsConfig(AppConfig):
    """The Discord bot's backend (UtilsBot+): game stats, API quotas, command logs, leaderboards."""

    name = "gamestats"
    verbose_name = "Game stats"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = "Game stats"
    nav_url_name = "gamestats:overview"
    nav_staff_only = True

    def ready(self) -> None:
        from gamestats import site_settings  # noqa: F401  (declares the game stats site settings)
