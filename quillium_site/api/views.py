"""What every API view over rows shares: it only ever sees the rows its requester may see."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework.generics import GenericAPIView


class ScopedRows(GenericAPIView):
    """Base of the API's list/detail views: `get_queryset` is the requester's rows, from one place.

    A view names its `model` and, when "visible to the user" isn't the whole story, overrides `rows_for(user)`
    (another base set, or narrowing by action or query parameters). Schema generation has no requester: it gets
    an empty queryset of the model, here and nowhere else.
    """

    model: ClassVar[type[Model]]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.rows_for(self.requester())

    def requester(self) -> Any:
        """The signed-in user (views behind IsAuthenticated); refuses, never guesses, if a view forgot that check.
        accounts.principals.signed_in says the same for the apps; this layer imports no app, hence get_user_model."""
        user = self.request.user
        if not isinstance(user, get_user_model()):
            raise PermissionDenied(_("Sign in first."))
        return user

    def rows_for(self, user: Any) -> QuerySet[Any]:
        return self.model._default_manager.visible_to(user)  # type: ignore[attr-defined]
