from django.apps import AppConfig


class QuilliumSiteConfig(AppConfig):
    """The site itself: layout, home page, health check, API plumbing and the `serve` command."""

    name = "quillium_site"
    verbose_name = "Quillium"
