"""The bots API: bots, their replies under memos, and the AI diaries."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.models import User
from accounts.principals import signed_in
from bots import services
from bots.api import serializers
from bots.models import AIDiaryJob, Bot, BotReply, DiaryPreference
from memos.models import Memo
from quillium_site.api.views import ScopedRows


class BotViewSet(ScopedRows, viewsets.ModelViewSet):
    """The user's bots, in their order. `reorder/` takes `{"order": [ids]}`; `avatar/` a multipart image."""

    model = Bot
    serializer_class = serializers.BotSerializer

    def rows_for(self, user: User) -> QuerySet[Bot]:
        if self.action == "restore" or (self.action == "list" and self.request.query_params.get("deleted") == "true"):
            return Bot.objects.filter(owner=user, is_deleted=True).select_related("ai_config")  # to bring back
        return Bot.objects.visible_to(user).select_related("ai_config")

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.bot_create(owner=signed_in(self.request), name=data.pop("name"), **data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.bot_update(cast(Bot, serializer.instance), **serializer.validated_data)

    def perform_destroy(self, instance: Bot) -> None:
        services.bot_delete(instance)

    @extend_schema(
        parameters=[OpenApiParameter("deleted", bool, description=gettext_lazy("true: the deleted bots instead"))]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=serializers.BotSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Bring back a deleted bot (400 while another of yours has its name)."""
        return Response(serializers.BotSerializer(services.bot_restore(self.get_object())).data)

    @extend_schema(request=serializers.ReorderInput, responses=serializers.BotSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request: Request) -> Response:
        given = serializers.ReorderInput(data=request.data)
        given.is_valid(raise_exception=True)
        bots = services.bots_reorder(signed_in(request), given.validated_data["order"])
        return Response(serializers.BotSerializer(bots, many=True).data)

    @extend_schema(request={"multipart/form-data": serializers.AvatarInput}, responses=serializers.BotSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def avatar(self, request: Request, pk: str | None = None) -> Response:
        given = serializers.AvatarInput(data=request.data)
        given.is_valid(raise_exception=True)
        bot = services.bot_avatar_set(self.get_object(), given.validated_data["avatar"])
        return Response(serializers.BotSerializer(bot).data)


class MemoRepliesView(ScopedRows, ListAPIView):
    """GET: the bots' thread under a memo, oldest first (paginated). POST: ask a bot a follow-up (`bot`,
    `question`, optional `parent`)."""

    model = BotReply
    serializer_class = serializers.ReplySerializer

    def memo(self, request: Request, memo_pk: str) -> Memo:
        return get_object_or_404(Memo.objects.visible_to(signed_in(request)), pk=memo_pk)

    def rows_for(self, user: User) -> QuerySet[BotReply]:
        replies = BotReply.objects.filter(memo=self.memo(self.request, self.kwargs["memo_pk"]))
        return replies.select_related("bot", "revision").prefetch_related("cited_resources").order_by("created_at")

    @extend_schema(request=serializers.AskInput, responses={201: serializers.ReplySerializer})
    def post(self, request: Request, memo_pk: str) -> Response:
        memo = self.memo(request, memo_pk)
        given = serializers.AskInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = signed_in(request)
        bot = Bot.objects.visible_to(user).filter(pk=given.validated_data["bot"]).first()
        if bot is None:
            raise NotFound(_("No such bot."))
        parent_id = given.validated_data.get("parent")
        parent = BotReply.objects.filter(memo=memo, pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise NotFound(_("No such reply under this memo."))
        reply = services.reply_ask(
            memo=memo, bot=bot, question=given.validated_data["question"], user=user, parent=parent
        )
        return Response(serializers.ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class ReplyViewSet(ScopedRows, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """One reply (poll it while its status is pending or running); `regenerate/` writes it again."""

    model = BotReply
    serializer_class = serializers.ReplySerializer

    def rows_for(self, user: User) -> QuerySet[BotReply]:
        return super().rows_for(user).select_related("bot", "revision")

    def perform_destroy(self, instance: BotReply) -> None:
        services.reply_delete(instance)

    @extend_schema(request=None, responses=serializers.ReplySerializer)
    @action(detail=True, methods=["post"])
    def regenerate(self, request: Request, pk: str | None = None) -> Response:
        return Response(serializers.ReplySerializer(services.reply_regenerate(self.get_object())).data)


class DiaryPreferenceView(APIView):
    """Whether a diary is written from each day's memos after the user's midnight."""

    @extend_schema(responses=serializers.DiaryPreferenceSerializer)
    def get(self, request: Request) -> Response:
        preference = DiaryPreference.objects.filter(user=signed_in(request)).first() or DiaryPreference(enabled=False)
        return Response(serializers.DiaryPreferenceSerializer(preference).data)

    @extend_schema(request=serializers.DiaryPreferenceSerializer, responses=serializers.DiaryPreferenceSerializer)
    def put(self, request: Request) -> Response:
        given = serializers.DiaryPreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preference = services.diary_preference_set(signed_in(request), enabled=given.validated_data["enabled"])
        return Response(serializers.DiaryPreferenceSerializer(preference).data)


class DiaryJobViewSet(ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your AI diary jobs, newest day first: whether each day's diary is pending, running, done or failed, and
    why (`?date=YYYY-MM-DD` for one day)."""

    model = AIDiaryJob
    serializer_class = serializers.DiaryJobSerializer

    @extend_schema(parameters=[OpenApiParameter("date", date, description=gettext_lazy("Only this day's job."))])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def rows_for(self, user: User) -> QuerySet[AIDiaryJob]:
        jobs = AIDiaryJob.objects.filter(owner=user).order_by("-target_date")
        day = self.request.query_params.get("date")
        if day:
            try:
                jobs = jobs.filter(target_date=date.fromisoformat(day))
            except ValueError:
                raise ValidationError({"date": _("A date looks like 2026-11-20.")}) from None
        return jobs


class DiaryGenerateView(APIView):
    """Write (or rewrite) the AI diary of a day now; a diary written by hand is never overwritten."""

    @extend_schema(request=None, responses={202: dict[str, Any]})
    def post(self, request: Request, day: str) -> Response:
        try:
            target = date.fromisoformat(day)
        except ValueError:
            raise NotFound(_("Not a date (YYYY-MM-DD).")) from None
        job = services.diary_job_request(signed_in(request), target)
        return Response({"job": job.pk, "status": job.status, "target_date": str(job.target_date)}, status=202)
