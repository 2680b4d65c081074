"""AI API: provider configs (staff), the models on offer, and the user's token usage."""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import async_to_sync
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.principals import signed_in
from ai import client, services
from ai.api import serializers
from ai.models import AIConfig, TokenUsage
from quillium_site.api.views import ScopedRows

USAGE_DAYS = 30


class AIConfigViewSet(ScopedRows, viewsets.ModelViewSet):
    """Provider configs by purpose (`chat`, `embedding`, `diary`, `bot`). Staff only; the API key is write-only."""

    model = AIConfig
    serializer_class = serializers.AIConfigSerializer
    permission_classes = [IsAdminUser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def rows_for(self, user: Any) -> QuerySet[AIConfig]:
        return AIConfig.objects.all()  # staff only (permission_classes)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        api_key = data.pop("api_key", "")
        serializer.instance = services.ai_config_save(AIConfig(**data), api_key=api_key)

    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        api_key = data.pop("api_key", None)
        config = cast(AIConfig, serializer.instance)
        for field, value in data.items():
            setattr(config, field, value)
        services.ai_config_save(config, api_key=api_key)

    def perform_destroy(self, instance: AIConfig) -> None:
        services.ai_config_delete(instance)


class ProvidersView(ScopedRows, ListAPIView):
    """The AI configs a chat or a bot may pick, by name with their default model (never their address)."""

    model = AIConfig
    serializer_class = serializers.ProviderSerializer

    def rows_for(self, user: Any) -> QuerySet[AIConfig]:
        return AIConfig.objects.exclude(key=AIConfig.Key.EMBEDDING).order_by("key")


class ModelsView(APIView):
    """The models a provider offers (`?config=` a name from ai/providers/; default the chat config), and its
    default."""

    @extend_schema(
        parameters=[OpenApiParameter("config", str, description=gettext_lazy("An AI config's name; default chat."))],
        responses=serializers.ModelsOutput,
    )
    def get(self, request: Request) -> Response:
        name = request.query_params.get("config") or AIConfig.Key.CHAT
        if name == AIConfig.Key.EMBEDDING:
            raise exceptions.ValidationError({"config": _("The embedding config has no chat models.")})
        if name != AIConfig.Key.CHAT and not AIConfig.objects.filter(key=name).exists():
            raise exceptions.ValidationError({"config": _("No AI config has this name (see ai/providers/).")})
        endpoint = services.endpoint_for(name)
        models = async_to_sync(client.list_models)(endpoint)
        return Response({"default": endpoint.model, "models": models})


class UsageView(APIView):
    """The user's token usage: today against their daily limit, and the last 30 days by model and feature."""

    @extend_schema(responses=serializers.UsageOutput)
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        summary = services.quota_summary(user)
        days = TokenUsage.objects.filter(user=user).order_by("-day", "model", "feature")[: USAGE_DAYS * 10]
        summary["days"] = serializers.UsageRowSerializer(days, many=True).data
        return Response(serializers.UsageOutput(summary).data)
