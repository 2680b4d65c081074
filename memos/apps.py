from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

NOTE_CHARS = 1500  # of each note, in a chat's prompt


class MemosConfig(AppConfig):
    """The notes journal (Mosaic): memos with revisions, attachments, diaries and keyword search."""

    name = "memos"
    default_auto_field = "django.db.models.BigAutoField"
    nav_label = gettext_lazy("Memos")
    nav_url_name = "memos:timeline"
    # On every signed-in page: the device's copy of the notes, and changes made offline sent as soon as it can.
    shell_template = "memos/_offline_shell.html"

    def settings_section(self, request: HttpRequest) -> dict[str, object]:
        """Export and import of the user's notes, and the devices that sync them, on the account settings page."""
        from accounts.principals import signed_in
        from memos.notes import services
        from memos.sync import changes

        user = signed_in(request)
        context = {"devices": changes.devices(user), "summaries_on": services.wants_summaries(user.pk)}
        return {"template": "memos/settings_section.html", "context": context}

    def notes_for(self, user: Any, text: str, limit: int) -> list[dict[str, str]]:
        """The user's memos and diary entries most related to `text` (hybrid search, relevance cut-off), for a chat
        that answers from the user's notes."""
        from memos.search.keyword import hybrid_search, plain_text

        return [
            {"id": str(hit.memo.pk), "url": hit.memo.get_absolute_url(), "date": hit.memo.created_at.date().isoformat(),
             "title": plain_text(hit.memo.content, 80), "text": hit.memo.content[:NOTE_CHARS]}
            for hit in hybrid_search(user, text, limit=limit)
        ]  # fmt: skip

    def stored_files_of(self, user: Any) -> list[str]:
        """The storage names of the user's attachments (deleted with the user: see accounts.services.user_delete)."""
        from memos.models import Resource

        return list(Resource.objects.filter(owner=user).values_list("file", flat=True))

    def metrics(self) -> list[Any]:
        """For /metrics: memos whose current text has no embedding yet (the worker's and the sweep's backlog)."""
        from memos.models import Memo
        from memos.search.semantic import stale
        from quillium_site.metrics import gauge

        backlog = stale(Memo.objects.filter(is_deleted=False)).count()
        return [gauge("quillium_embedding_backlog", "Memos whose current text has no embedding yet", backlog)]

    def ready(self) -> None:
        from memos import site_settings  # noqa: F401  (declares the memo site settings)
