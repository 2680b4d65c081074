"""Input no view can store is refused up front: NUL in the address, JSON nested absurdly deep; and errors under
/api/ stay JSON even with DEBUG on."""

import json

import pytest
from django.test import Client

from quillium_site.api.parsers import MAX_JSON_DEPTH, json_depth_exceeds

pytestmark = pytest.mark.django_db

LISTS = [
    "/memos/",
    "/memos/archive/",
    "/memos/trash/",
    "/memos/search/",
    "/memos/diary/",
    "/chats/",
    "/gamestats/players/",
    "/gamestats/guilds/",
    "/admin/memos/memo/",
    "/admin/chats/message/",
    "/admin/accounts/user/",
    "/admin/gamestats/discorduser/",
    "/api/v1/memos/",
    "/api/v1/diaries/",
    "/api/v1/resources/",
    "/api/v1/tags/",
    "/api/v1/search/",
    "/api/v1/chats/",
    "/api/v1/chat-folders/",
    "/api/v1/api-keys/",
    "/api/v1/gamestats/users/",
    "/api/v1/gamestats/guilds/",
    "/api/v1/sync/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("param", ["search", "q", "tag", "text"])
def test_nul_in_a_list_filter_is_a_400(admin_client, url, param):
    response = admin_client.get(url, {param: "cat\x00dog"})

    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "invalid"


def test_nul_in_a_parameter_name_or_the_path_is_a_400(admin_client):
    assert admin_client.get("/memos/?ta%00g=x").status_code == 400
    assert admin_client.get("/api/v1/gamestats/users/12%003/").status_code == 400


def test_json_nested_20000_deep_is_a_400(alice_api):
    body = "[" * 20_000 + "]" * 20_000

    response = alice_api.post("/api/v1/memos/", body, content_type="application/json")

    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


def test_json_nested_past_the_cap_is_a_400_even_when_python_could_parse_it(alice_api):
    body = json.dumps({"content": "x", "payload": json.loads("[" * 200 + "]" * 200)})

    response = alice_api.post("/api/v1/memos/", body, content_type="application/json")

    assert response.status_code == 400


def test_ordinary_json_still_parses(alice_api):
    assert alice_api.post("/api/v1/memos/", {"content": "hello #cats"}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("value", "exceeds"),
    [(1, False), ([], False), ([[]], False), ({"a": [{"b": 1}]}, False)],
)
def test_json_depth_of_small_values(value, exceeds):
    assert json_depth_exceeds(value) is exceeds


def test_json_depth_limit_is_exact():
    def nested(levels):
        value = []
        for _ in range(levels - 1):
            value = [value]
        return value

    assert not json_depth_exceeds(nested(MAX_JSON_DEPTH))
    assert json_depth_exceeds(nested(MAX_JSON_DEPTH + 1))


def debug_client(settings, user) -> Client:
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_api_404_is_json_with_debug_on(settings, alice):
    client = debug_client(settings, alice)

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_500_is_json_with_debug_on(settings, alice, monkeypatch):
    from memos.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.TagsView, "get", explode)
    client = debug_client(settings, alice)

    response = client.get("/api/v1/tags/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side; it has been logged.", "code": "error"}
    assert "boom" not in response.content.decode()


def test_pages_keep_djangos_debug_404_with_debug_on(settings, alice):
    client = debug_client(settings, alice)

    response = client.get("/memos/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize("body", ["{not json", '{"reason": NaN}', "\xff\xfe"])
def test_a_malformed_body_is_a_400_even_where_no_body_is_read(alice, alice_api, body):
    """`chats/{id}/stop/` and `ai-diaries/{day}/generate/` ignored their bodies, malformed or not."""
    from chats.services import chat_create

    chat = chat_create(owner=alice)
    for url in (f"/api/v1/chats/{chat.pk}/stop/", "/api/v1/ai-diaries/2026-11-20/generate/"):
        response = alice_api.post(url, body.encode("latin-1"), content_type="application/json")

        assert response.status_code == 400, url
        assert response.json()["code"] == "parse_error" and response.json()["detail"].startswith("JSON parse error")


def test_an_empty_or_form_body_on_such_an_endpoint_still_works(alice, alice_api):
    from chats.services import chat_create

    chat = chat_create(owner=alice)

    assert alice_api.post(f"/api/v1/chats/{chat.pk}/stop/", "", content_type="application/json").status_code < 400
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/stop/", "{}", content_type="application/json").status_code < 400
