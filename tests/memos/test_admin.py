from datetime import date

import pytest

from memos.diaries import services as diary_services
from memos.notes import services
from memos.sync import changes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/memos/memo/",
        "/admin/memos/memo/?is_deleted__exact=1",
        "/admin/memos/diary/",
        "/admin/memos/resource/",
        "/admin/memos/synccursor/",
        "/admin/memos/synctombstone/",
    ],
)
def test_admin_lists_render(admin_client, alice, url):
    services.memo_create(owner=alice, content="hello #x")
    diary_services.diary_write(owner=alice, day=date(2026, 1, 1), summary="s").delete()
    changes.pull(alice, "laptop", cursor=0)

    assert admin_client.get(url).status_code == 200


def test_admin_shows_each_device_and_what_was_deleted_for_good(admin_client, alice):
    diary_services.diary_write(owner=alice, day=date(2026, 1, 1), summary="s").delete()
    changes.pull(alice, "phone-7f3a", cursor=0)

    devices = admin_client.get("/admin/memos/synccursor/?q=phone").content.decode()
    tombstones = admin_client.get("/admin/memos/synctombstone/").content.decode()

    assert devices.count("phone-7f3a") >= 4  # one cursor per kind of change
    assert "2026-01-01" in tombstones


def test_admin_memo_page_shows_its_history(admin_client, alice):
    memo = services.memo_create(owner=alice, content="first")
    services.memo_update(memo, user=alice, base_revision=1, content="second")

    page = admin_client.get(f"/admin/memos/memo/{memo.pk}/change/").content.decode()

    assert "first" in page and "second" in page
