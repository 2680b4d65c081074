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
