"""`sync/`: devices pull the user's changes page by page and push their own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import may_write
from accounts.principals import signed_in
from memos.api import sync_serializers as shapes
from memos.models import SyncEntity
from memos.sync import changes


class SyncView(APIView):
    """GET: the next page of changes (memos, revisions, attachments, diaries, and tombstones of what was deleted
    for good), oldest first. POST: a batch of memo and diary changes, each answered applied, conflict or invalid.
    The README has an example session."""

    @extend_schema(
        parameters=[shapes.PullInput],
        responses={
            200: shapes.PageSerializer,
            410: OpenApiResponse(
                description=gettext_lazy("The cursor is too old: drop the local copy, pull from cursor 0.")
            ),
        },
    )
    def get(self, request: Request) -> Response:
        params = shapes.PullInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = changes.pull(
            signed_in(request),
            params.validated_data["client_id"],
            entity_types=params.validated_data.get("types", changes.ENTITY_TYPES),
            cursor=params.validated_data.get("cursor"),
            limit=params.validated_data["limit"],
            remember=may_write(request),
        )
        return Response(shapes.PageSerializer(page).data)

    @extend_schema(request=shapes.PushInput, responses=shapes.PushOutput)
    def post(self, request: Request) -> Response:
        batch = shapes.PushInput(data=request.data)
        batch.is_valid(raise_exception=True)
        outcomes = []
        for index, raw in enumerate(batch.validated_data["changes"]):
            outcome = self._apply(request, raw)
            outcome.index = index
            outcomes.append(outcome)
        changes.seen(signed_in(request), batch.validated_data["client_id"])
        return Response(shapes.PushOutput({"results": outcomes}).data)

    def _apply(self, request: Request, raw: dict) -> changes.Outcome:
        kind = raw.get("type")
        shape = shapes.CHANGE_INPUTS.get(str(kind))
        if shape is None:
            choices = f"{SyncEntity.MEMO} or {SyncEntity.DIARY}"
            return changes.Outcome(
                str(kind or ""), changes.item_id(raw), "invalid", errors={"type": [f"Push {choices}."]}
            )
        change = shape(data=raw)
        if not change.is_valid():
            return changes.Outcome(str(kind), changes.item_id(raw), "invalid", errors=change.errors)
        return changes.apply(signed_in(request), change.validated_data)
