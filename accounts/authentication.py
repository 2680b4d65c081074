"""Authentication for the API: JWT (Bearer) and `Authorization: Api-Key <key>`, plus the session backend."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_simplejwt import authentication as jwt
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.models import ApiKey, User
from accounts.services import api_key_authenticate

KEYWORD = "Api-Key"


class JWTAuthentication(jwt.JWTAuthentication):
    """simplejwt's Bearer authentication, loading the user with what every request reads in one query."""

    def get_user(self, validated_token: Any) -> User:  # type: ignore[override]  # AuthUser is User here
        try:
            user_id = validated_token[jwt_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken("Token contained no recognizable user identification") from None
        user = _user_for_request(user_id)
        if user is None:
            raise exceptions.AuthenticationFailed("User not found", code="user_not_found")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User is inactive", code="user_inactive")
        return user


def _user_for_request(user_id: Any) -> User | None:
    """The signed-in user as every request needs it."""
    try:
        pk = int(user_id)
    except (ValueError, TypeError, OverflowError):
        return None
    return User.objects.get_for_request(pk)


class EmailBackend(ModelBackend):
    """Django's backend (email is the username), loading signed-in users like the API does."""

    def get_user(self, user_id: Any) -> User | None:
        user = _user_for_request(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates with an API key; `request.auth` is the ApiKey, so permissions can read its scope."""

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0].lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(f"Send the key as `Authorization: {KEYWORD} <key>`.")
        api_key = api_key_authenticate(header[1])
        if api_key is None:
            raise exceptions.AuthenticationFailed("This API key is unknown, revoked or expired.")
        return api_key.user, api_key

    def authenticate_header(self, request: HttpRequest) -> str:
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the API-key scheme in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"`{KEYWORD} <key>`; create keys on the settings page or at /api/v1/api-keys/.",
        }


class JWTScheme(SimpleJWTScheme):
    """Documents our JWTAuthentication exactly like simplejwt's (`jwtAuth`, Bearer)."""

    target_class = JWTAuthentication  # type: ignore[assignment]  # drf-spectacular takes a class or a path
