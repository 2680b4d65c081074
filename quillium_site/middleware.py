"""Site-wide request guards: refuse what no view can store, and keep API errors JSON in every mode."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.csp import CSP

from quillium_site.api.parsers import MAX_JSON_DEPTH

NUL = "\x00"
NUL_MESSAGE = "The address contains a NUL character, which no field can hold."
UNAVAILABLE = "The database is unavailable for a moment; try again in a few seconds."

logger = logging.getLogger("quillium.requests")


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


DEBUG_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class RequestGuardMiddleware:
    """PostgreSQL refuses NUL in text, so a `?q=%00` on any list would end in a 500: answer 400 before any view.

    Under /api/ every error leaves as JSON, even the HTML pages Django makes for 404 and 500 with DEBUG on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if _is_api(request):
                return JsonResponse({"detail": NUL_MESSAGE, "code": "invalid"}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        if _is_api(request) and (problem := _json_body_problem(request)):
            # Endpoints that take no body (stop, generate, restore, …) never parse one: a malformed body is still
            # refused, as every endpoint that reads its body refuses it.
            return JsonResponse({"detail": problem, "code": "parse_error"}, status=400)
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            return _as_json(response)
        if getattr(response, "_csp_config", None) == {} and CSP.HEADER_ENFORCE not in response:
            # Django's debug pages switch CSP off for their inline style and script; they still get a policy that
            # lets nothing else load, leave or frame them.
            response[CSP.HEADER_ENFORCE] = DEBUG_PAGE_CSP
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The database is down or restarting: say so (503, try again shortly) instead of a bare 500."""
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        if _is_api(request):
            response: HttpResponse = JsonResponse({"detail": UNAVAILABLE, "code": "unavailable"}, status=503)
        else:
            response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response


def _json_body_problem(request: HttpRequest) -> str | None:
    """Why a JSON request body can't be read, as DRF's JSON parser would say it (strict: no NaN), or None."""
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return None
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        return None
    body = request.body
    if not body.strip():
        return None
    try:
        json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except RecursionError:
        return f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."
    except (ValueError, UnicodeDecodeError) as error:
        return f"JSON parse error - {error}"
    return None


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


def _as_json(response: HttpResponse) -> JsonResponse:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status >= 500:
        body = {"detail": "Something went wrong on our side; it has been logged.", "code": "error"}
    else:
        body = {"detail": f"{phrase}.", "code": phrase.lower().replace(" ", "_")}
    replacement = JsonResponse(body, status=status)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            replacement[header] = response[header]
    return replacement
