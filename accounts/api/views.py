"""Accounts API: registration, tokens, the current user, their settings and API keys."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import services
from accounts.api import serializers
from accounts.models import ApiKey, UserSettings
from accounts.permissions import IsAuthenticatedAndMayWrite, NotWithApiKey
from accounts.principals import signed_in
from accounts.throttling import LoginRateThrottle
from quillium_site.api.views import ScopedRows


class RegisterView(APIView):
    """Create an account while registration is open."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginRateThrottle]

    @extend_schema(request=serializers.RegisterInput, responses={201: serializers.UserOutput})
    def post(self, request: Request) -> Response:
        data = serializers.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(serializers.UserOutput(user).data, status=status.HTTP_201_CREATED)


class TokenView(TokenObtainPairView):
    """Email and password for an access token (5 minutes) and a refresh token (14 days)."""

    throttle_classes = [LoginRateThrottle]


class TokenRefreshRotatingView(TokenRefreshView):
    """A new access and refresh token; the refresh token sent is revoked."""


class LogoutView(APIView):
    """Revoke a refresh token (and, with `everywhere`, all of its user's others)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=serializers.LogoutInput, responses={204: OpenApiResponse(description=_("Revoked."))})
    def post(self, request: Request) -> Response:
        data = serializers.LogoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.refresh_token_revoke(data.validated_data["refresh"], everywhere=data.validated_data["everywhere"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user's profile."""

    @extend_schema(responses=serializers.UserOutput)
    def get(self, request: Request) -> Response:
        return Response(serializers.UserOutput(request.user).data)

    @extend_schema(request=serializers.MeInput, responses=serializers.UserOutput)
    def patch(self, request: Request) -> Response:
        data = serializers.MeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(signed_in(request), **data.validated_data)
        return Response(serializers.UserOutput(user).data)


class MySettingsView(generics.RetrieveUpdateAPIView):
    """The signed-in user's theme, language, notifications and time zone."""

    serializer_class = serializers.UserSettingsSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> UserSettings:
        return services.user_settings_for(signed_in(self.request))

    def perform_update(self, serializer: BaseSerializer) -> None:
        preferences = cast(UserSettings, serializer.instance)
        serializer.instance = services.user_settings_update(preferences, **serializer.validated_data)


class ApiKeyViewSet(ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's API keys: list, create (the key is shown once), revoke."""

    model = ApiKey
    serializer_class = serializers.ApiKeyOutput
    permission_classes = [IsAuthenticatedAndMayWrite, NotWithApiKey]

    @extend_schema(request=serializers.ApiKeyCreateInput, responses={201: serializers.ApiKeyCreatedOutput})
    def create(self, request: Request) -> Response:
        data = serializers.ApiKeyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, raw_key = services.api_key_create(user=signed_in(request), **data.validated_data)
        api_key.key = raw_key  # type: ignore[attr-defined]  # for this one response; never stored
        return Response(serializers.ApiKeyCreatedOutput(api_key).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.ApiKeyOutput)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        api_key = services.api_key_revoke(self.get_object())
        return Response(serializers.ApiKeyOutput(api_key).data)
