"""Site-wide pages: home, health, and error handlers that answer JSON under /api/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.csp import CSP
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csp import csp_override
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularSwaggerSplitView

from quillium_site.api.errors import json_not_found, json_server_error
from quillium_site.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Quillium is for visitors, a launcher for signed-in users."""
    return render(request, "home.html")


@cache_control(public=True, max_age=7 * 24 * 3600)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """The scripts' strings in one language. The language and the catalogs' version are in the URL
    (`catalog_url` in the templates), so browsers keep it for a week and a deploy with new strings asks again."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        return JavaScriptCatalog.as_view(domain="djangojs")(request)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and pgvector status; 503 when anything is down. Staff may ask for `?full=1`: the live processes."""
    report = run_checks(full=request.GET.get("full") == "1" and request.user.is_staff)
    return JsonResponse(report, status=200 if report["ok"] else 503)


def api_not_found(request: HttpRequest) -> HttpResponse:
    return json_not_found(request) or defaults.page_not_found(request, Http404())


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return json_not_found(request, exception) or defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return json_server_error(request) or defaults.server_error(request)


# Swagger UI (its script comes from a URL, not inline) sets inline styles as it draws; only its page allows them.
DOCS_CSP: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
api_docs = csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
