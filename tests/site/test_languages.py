"""The language comes from the person's setting, else the switcher's cookie or Accept-Language, else English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from accounts import services

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("header", "lang", "sign_in"),
    [("zh-Hans", "zh-hans", "登录"), ("ja,en;q=0.5", "ja", "ログイン"), ("", "en", "Sign in")],
)
def test_a_signed_out_visitor_reads_their_browsers_language(client, header, lang, sign_in):
    response = client.get("/", headers={"accept-language": header} if header else {})

    assert _lang(response) == lang
    assert f">{sign_in}</a>" in response.content.decode()


def test_the_switcher_remembers_a_visitors_choice_and_goes_back(client):
    response = client.post("/accounts/language/", {"language": "ja", "next": "/accounts/login/"})

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert _lang(client.get("/accounts/login/", headers={"accept-language": "zh-Hans"})) == "ja"


def test_the_switcher_refuses_an_unknown_language_and_a_foreign_target(client):
    response = client.post("/accounts/language/", {"language": "xx", "next": "https://evil.example/"})

    assert response["Location"] == "/" and settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_persons_setting_wins_and_the_switcher_changes_it(client, alice):
    services.user_settings_update(services.user_settings_for(alice), language="zh-hans")
    client.force_login(alice)

    assert _lang(client.get("/", headers={"accept-language": "ja"})) == "zh-hans"
    client.post("/accounts/language/", {"language": "ja", "next": "/"})
    alice.settings.refresh_from_db()
    assert alice.settings.language == "ja"
    assert _lang(client.get("/", headers={"accept-language": "en"})) == "ja"


def test_a_person_who_has_not_chosen_reads_their_browsers_language_until_they_choose(client, alice):
    client.force_login(alice)
    assert services.user_settings_for(alice).language == ""

    assert _lang(client.get("/", headers={"accept-language": "ja"})) == "ja"
    assert _lang(client.get("/", headers={"accept-language": "zh-Hans"})) == "zh-hans"
    page = client.get("/accounts/settings/", headers={"accept-language": "zh-Hans"}).content.decode()
    assert '<option value="" selected>跟随浏览器的语言</option>' in page

    client.post("/accounts/settings/preferences/", {"theme": "system", "language": "en", "timezone": "UTC"})
    assert _lang(client.get("/", headers={"accept-language": "ja"})) == "en"
    client.post("/accounts/settings/preferences/", {"theme": "system", "language": "", "timezone": "UTC"})
    assert _lang(client.get("/", headers={"accept-language": "ja"})) == "ja"


def test_a_guest_reads_their_browsers_language_and_changes_no_setting(client, guest):
    client.force_login(guest)

    assert _lang(client.get("/", headers={"accept-language": "ja"})) == "ja"
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    assert services.user_settings_for(guest).language == ""
    assert _lang(client.get("/")) == "zh-hans"


def test_an_api_client_gets_errors_in_its_language(api):
    response = api.get("/api/v1/memos/", headers={"accept-language": "zh-Hans"})

    assert response.status_code == 401
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_the_scripts_catalog_is_per_language_and_cached(client):
    response = client.get("/jsi18n/ja/?v=1")

    assert response.status_code == 200 and "max-age=604800" in response["Cache-Control"]
    assert client.get("/jsi18n/xx/").status_code == 404


def test_the_admins_titles_tables_and_columns_are_in_the_readers_language(admin_client, staff):
    from memos.notes.services import memo_create

    memo_create(owner=staff, content="晚安")
    zh = {"accept-language": "zh-Hans"}

    page = admin_client.get("/admin/memos/memo/", headers=zh).content.decode()
    index = admin_client.get("/admin/", headers=zh).content.decode()

    assert "所有者" in page and "创建时间" in page and "选择 备忘录 来修改" in page
    assert "Owner" not in page and "Created at" not in page and "Django" not in page
    assert "Quillium 管理" in index and "语音演员" not in index and "声优" in index
