"""Every API error is JSON a person can act on: `{"detail": "...", "code": "...", "errors": {...}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from quillium_site.errors import ServiceError


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            return message if field in {"non_field_errors", "detail"} else f"{field}: {message}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped so validation errors also carry a one-line `detail`.

    Services raise Django's ValidationError, which becomes a 400 here like a serializer's, or a ServiceError,
    which says its own status and code.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ServiceError):
        return Response({"detail": str(exc), "code": exc.error_code}, status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500 through handler500
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _first_message(exc.detail), "code": "invalid", "errors": exc.detail}
    elif isinstance(exc, exceptions.APIException) and isinstance(exc.detail, dict):
        # e.g. simplejwt's InvalidToken: {"detail": ..., "code": ..., "messages": [...]}
        message = exc.detail.get("detail") or _first_message(exc.detail)
        response.data = {"detail": str(message), "code": str(exc.detail.get("code") or "error")}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse | None:
    """404 for URLs outside any API view, as JSON under /api/."""
    if not _is_api(request):
        return None
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse | None:
    """500 as JSON under /api/ (the error itself is logged by Django)."""
    if not _is_api(request):
        return None
    return JsonResponse(
        {"detail": "Something went wrong on our side; it has been logged.", "code": "error"}, status=500
    )
