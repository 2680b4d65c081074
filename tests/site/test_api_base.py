import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_paths_are_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_schema_describes_the_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/api-keys/{id}/revoke/" in schema["paths"]
    assert {"jwtAuth", "apiKey"} <= set(schema["components"]["securitySchemes"])


def test_docs_load_their_assets_from_this_server(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html


def test_lists_are_paginated(alice_api):
    body = alice_api.get("/api/v1/api-keys/?page_size=1000").json()

    assert set(body) == {"count", "next", "previous", "results"}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_service_error_says_its_status_and_its_own_code():
    from quillium_site.errors import Conflict, ServiceError

    refusals = [cls for cls in _all_subclasses(ServiceError) if cls.__module__.split(".")[0] != "quillium_site"]
    codes = [cls.code for cls in refusals if "code" in vars(cls)]

    assert {cls.__name__ for cls in refusals} >= {"QuotaExceeded", "StaleRevision", "ScanAlreadyQueued", "Blacklisted"}
    assert all(400 <= cls.status < 600 for cls in refusals)
    assert len(codes) == len(set(codes)) and Conflict.code not in codes


def test_a_service_error_is_answered_with_its_status_and_code(staff):
    from library.models import Scan
    from tests.conftest import jwt_client

    staff_api = jwt_client(staff)
    Scan.objects.create(status=Scan.Status.QUEUED)

    response = staff_api.post("/api/v1/library/scans/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "scan_queued" and "wait for it to finish" in response.json()["detail"]


def _api_views():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls

    return {view for view in walk(get_resolver().url_patterns) if view.__module__.split(".")[0] != "rest_framework"}


def test_api_views_over_rows_scope_them_in_one_place():
    from rest_framework.generics import GenericAPIView

    from quillium_site.api.views import ScopedRows

    views = _api_views()
    own_querysets = [
        view.__qualname__
        for view in views
        for klass in view.__mro__
        if "get_queryset" in vars(klass)
        and klass not in (ScopedRows, GenericAPIView)
        and klass.__module__.split(".")[0] in {"accounts", "ai", "bots", "chats", "gamestats", "library", "memos"}
    ]

    assert len(views) > 30
    assert own_querysets == []
    assert sum(issubclass(view, ScopedRows) for view in views) >= 14


def test_schema_generation_sees_no_rows_and_a_view_without_sign_in_refuses():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from rest_framework.test import APIRequestFactory

    from memos.api.views import MemoViewSet

    fake = MemoViewSet(swagger_fake_view=True)
    assert fake.get_queryset().query.is_empty()

    request = APIRequestFactory().get("/")
    request.user = AnonymousUser()
    view = MemoViewSet(request=request, action="list")
    with pytest.raises(PermissionDenied):
        view.get_queryset()
