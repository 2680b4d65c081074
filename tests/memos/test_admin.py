from datetime import date

import pytest

from memos import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/admin/memos/memo/", "/admin/memos/memo/?is_deleted__exact=1", "/admin/memos/diary/", "/admin/memos/resource/"],
)
def test_admin_lists_render(admin_client, alice, url):
    services.memo_create(owner=alice, content="hello #x")
    services.diary_write(owner=alice, day=date(2026, 1, 1), summary="s")

    assert admin_client.get(url).status_code == 200


def test_admin_memo_page_shows_its_history(admin_client, alice):
    memo = services.memo_create(owner=alice, content="first")
    services.memo_update(memo, user=alice, base_revision=1, content="second")

    page = admin_client.get(f"/admin/memos/memo/{memo.pk}/change/").content.decode()

    assert "first" in page and "second" in page
