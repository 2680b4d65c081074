"""Site-wide pages: home, health, and error handlers that answer JSON under /api/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache

from quillium_site.api.errors import json_not_found, json_server_error
from quillium_site.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Quillium is for visitors, a launcher for signed-in users."""
    return render(request, "home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and pgvector status; 503 when anything is down."""
    report = run_checks()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def api_not_found(request: HttpRequest) -> HttpResponse:
    return json_not_found(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return json_not_found(request, exception) or defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return json_server_error(request) or defaults.server_error(request)
