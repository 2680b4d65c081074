from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy


class LibraryConfig(AppConfig):
    """The household's audio-work library (kikoeru): scanning, streaming, reviews and progress."""

    name = "library"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Library")
    nav_url_name = "library:browse"
    # Part of every signed-in page's shell: the mini-player, which keeps playing while the person browses.
    shell_template = "library/_mini_player.html"

    def settings_section(self, request: HttpRequest) -> dict[str, object]:
        """Whether nsfw works show in the library, on the account settings page."""
        from accounts.principals import signed_in
        from library import selectors

        return {"template": "library/settings_section.html",
                "context": {"show_nsfw": selectors.shows_nsfw(signed_in(request))}}  # fmt: skip
