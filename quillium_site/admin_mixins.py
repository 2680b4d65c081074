"""What every Quillium ModelAdmin that saves through a service shares."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


class ServiceRulesAdmin:
    """Services enforce rules a model form can't see (another user's folder, a duplicate name); when one refuses
    a change, nothing is kept and the page says why, instead of a 500."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except ValidationError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin:
    """Rows the app writes itself (embeddings, history, heartbeats): staff look, nobody edits them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never on their own pages; yes when they go with what they belong to (a memo's history with the memo),
        which Django's delete page asks of every row a deletion takes along."""
        opts = self.opts  # type: ignore[attr-defined]
        match = getattr(request, "resolver_match", None)
        own_page = bool(match and (match.url_name or "").startswith(f"{opts.app_label}_{opts.model_name}_"))
        return not own_page and super().has_delete_permission(request, obj)  # type: ignore[misc]
