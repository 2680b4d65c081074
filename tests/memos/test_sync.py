"""`sync/`: pulls in pages from a monotonic change sequence, tombstones, pushes with conflicts."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.models import Diary, Memo, MemoRevision, SyncCursor, SyncTombstone
from memos.notes import services
from memos.sync import changes

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/sync/"
DAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pull(api, client_id="laptop", **params):
    response = api.get(SYNC, {"client_id": client_id, **params})
    assert response.status_code == 200, response.content
    return response.json()


def push(api, *changes, client_id="laptop"):
    response = api.post(SYNC, {"client_id": client_id, "changes": list(changes)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def kinds_and_ids(page):
    return [(change["type"], change["id"]) for change in page["changes"]]


def test_a_first_pull_returns_everything_of_the_user_in_change_order(alice_api, alice, bob):
    memo = services.memo_create(owner=alice, content="first #idea")
    diary = diary_services.diary_write(owner=alice, day=DAY, summary="A calm day", mood_key="calm", mood_score=4)
    upload = SimpleUploadedFile("note.txt", b"plain words", "text/plain")
    resource = file_services.resource_upload(owner=alice, upload=upload, memo=memo)
    services.memo_create(owner=bob, content="bob's secret")

    page = pull(alice_api)

    revision = memo.revisions.get()
    assert kinds_and_ids(page) == [
        ("memo", str(memo.pk)),
        ("revision", str(revision.pk)),
        ("diary", "2026-11-20"),
        ("resource", str(resource.pk)),
    ]
    seqs = [change["seq"] for change in page["changes"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert page["cursor"] == seqs[-1] and page["has_more"] is False
    memo_data, revision_data, diary_data, resource_data = (change["data"] for change in page["changes"])
    assert (memo_data["content"], memo_data["tags"], memo_data["revision_count"]) == ("first #idea", ["idea"], 1)
    assert (revision_data["memo"], revision_data["revision_number"]) == (str(memo.pk), 1)
    assert (diary_data["summary"], diary_data["mood_score"], diary_data["is_deleted"]) == ("A calm day", 4, False)
    assert (resource_data["memo"], resource_data["filename"]) == (str(memo.pk), "note.txt")
    assert diary.pk and not any(change["deleted"] for change in page["changes"])


def test_pages_cover_every_change_once_and_an_edit_comes_again_with_a_new_number(alice_api, alice):
    memos = [services.memo_create(owner=alice, content=f"memo {n}") for n in range(5)]

    seen, cursor = [], 0
    while True:
        page = pull(alice_api, cursor=cursor, limit=3)
        seen += kinds_and_ids(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    revisions = MemoRevision.objects.filter(memo__owner=alice).order_by("change_seq")
    assert seen == [
        item
        for memo, revision in zip(memos, revisions, strict=True)
        for item in (("memo", str(memo.pk)), ("revision", str(revision.pk)))
    ]

    services.memo_update(memos[1], user=alice, base_revision=1, content="memo 1, edited")
    again = pull(alice_api, cursor=cursor)

    assert kinds_and_ids(again)[0] == ("memo", str(memos[1].pk))
    assert again["changes"][0]["data"]["content"] == "memo 1, edited"
    assert [change["data"]["revision_number"] for change in again["changes"][1:]] == [2]
    assert pull(alice_api, cursor=again["cursor"])["changes"] == []


def test_an_unconfirmed_page_is_sent_again_and_the_sent_cursor_is_the_confirmation(alice_api, alice):
    first, second = (services.memo_create(owner=alice, content=text) for text in ("one", "two"))

    lost = pull(alice_api, types="memo", limit=1)  # the answer never reached the device
    retried = pull(alice_api, types="memo", limit=1)
    assert kinds_and_ids(lost) == kinds_and_ids(retried) == [("memo", str(first.pk))]

    following = pull(alice_api, types="memo", limit=1, cursor=retried["cursor"])
    assert kinds_and_ids(following) == [("memo", str(second.pk))]
    stored = SyncCursor.objects.get(user=alice, client_id="laptop", entity_type="memo")
    assert stored.last_seq == retried["cursor"] and stored.last_sync_at is not None

    # A device that kept no cursor itself continues from what it last confirmed.
    assert kinds_and_ids(pull(alice_api, types="memo")) == [("memo", str(second.pk))]
    # Another device of the same user has its own position.
    assert len(pull(alice_api, client_id="phone", types="memo")["changes"]) == 2


def test_deleting_for_good_leaves_tombstones(alice_api, alice):
    memo = services.memo_create(owner=alice, content="to be purged")
    resource = file_services.resource_upload(
        owner=alice, upload=SimpleUploadedFile("a.txt", b"words", "text/plain"), memo=memo
    )
    diary = diary_services.diary_write(owner=alice, day=DAY, summary="gone soon")
    cursor = pull(alice_api)["cursor"]

    services.memo_trash(memo, user=alice)
    services.memo_purge(memo)
    diary.delete()
    page = pull(alice_api, cursor=cursor)

    changes = {(c["type"], c["id"]): c for c in page["changes"]}
    assert changes[("memo", str(memo.pk))]["deleted"] is True
    assert changes[("memo", str(memo.pk))]["data"] is None
    assert changes[("resource", str(resource.pk))]["deleted"] is True
    assert changes[("diary", "2026-11-20")]["deleted"] is True
    assert [c["seq"] for c in page["changes"]] == sorted(c["seq"] for c in page["changes"])


def test_pushing_a_new_memo_twice_creates_it_once(alice_api, alice):
    memo_id = str(uuid.uuid4())
    change = {"type": "memo", "id": memo_id, "content": "written offline #train", "pinned": True}

    first = push(alice_api, change)
    repeated = push(alice_api, change)  # the first answer was lost

    assert [r["status"] for r in first + repeated] == ["applied", "applied"]
    memo = Memo.objects.get(pk=memo_id)
    assert (memo.owner, memo.content, memo.tags, memo.pinned, memo.revision_count) == (
        alice,
        "written offline #train",
        ["train"],
        True,
        1,
    )
    assert first[0]["data"]["id"] == memo_id and first[0]["seq"] == memo.change_seq


def test_a_push_based_on_an_old_revision_is_a_conflict_and_overwrites_nothing(alice_api, alice):
    memo = services.memo_create(owner=alice, content="v1")
    services.memo_update(memo, user=alice, base_revision=1, content="v2 from the web")

    results = push(alice_api, {"type": "memo", "id": str(memo.pk), "base_revision": 1, "content": "v2 offline"})

    assert results[0]["status"] == "conflict"
    assert results[0]["data"]["content"] == "v2 from the web" and results[0]["data"]["revision_count"] == 2
    assert "revision 1" in results[0]["message"]
    assert Memo.objects.get(pk=memo.pk).content == "v2 from the web"


def test_pushes_edit_trash_and_restore_by_revision(alice_api, alice):
    memo = services.memo_create(owner=alice, content="draft")

    edited = push(
        alice_api, {"type": "memo", "id": str(memo.pk), "base_revision": 1, "content": "final", "tags": ["x"]}
    )
    trashed = push(alice_api, {"type": "memo", "id": str(memo.pk), "base_revision": 2, "is_deleted": True})
    restored = push(alice_api, {"type": "memo", "id": str(memo.pk), "base_revision": 3, "is_deleted": False})

    assert [r[0]["status"] for r in (edited, trashed, restored)] == ["applied"] * 3
    assert [r[0]["data"]["revision_count"] for r in (edited, trashed, restored)] == [2, 3, 4]
    memo.refresh_from_db()
    assert (memo.content, memo.tags, memo.is_deleted) == ("final", ["x"], False)
    assert list(memo.revisions.values_list("revision_number", flat=True)) == [4, 3, 2, 1]


def test_each_change_of_a_batch_is_answered_on_its_own(alice_api, alice):
    results = push(
        alice_api,
        {"type": "memo", "id": str(uuid.uuid4()), "content": "fine"},
        {"type": "memo", "id": str(uuid.uuid4()), "content": "   "},
        {"type": "memo", "id": "not-a-uuid", "content": "x"},
        {"type": "resource", "id": str(uuid.uuid4())},
        {"type": "diary", "date": "2026-11-20", "mood_score": 9},
        {"type": "diary", "date": "2026-11-21", "summary": "ok"},
    )

    assert [r["status"] for r in results] == ["applied", "invalid", "invalid", "invalid", "invalid", "applied"]
    assert [r["index"] for r in results] == list(range(6))
    assert "content" in results[1]["errors"] and "id" in results[2]["errors"]
    assert "type" in results[3]["errors"] and "mood_score" in results[4]["errors"]
    assert Memo.objects.filter(owner=alice).count() == 1
    assert list(Diary.objects.filter(owner=alice).values_list("date", flat=True)) == [date(2026, 11, 21)]


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "laptop", "changes": [{"type": "memo", "id": str(uuid.uuid4()), "content": "x"}] * 501},
        {"client_id": "bad id!", "changes": [{"type": "memo", "id": str(uuid.uuid4()), "content": "x"}]},
        {"client_id": "laptop", "changes": "not a list"},
        {"changes": []},
    ],
    ids=["too-many", "bad-client-id", "not-a-list", "no-client-id"],
)
def test_a_malformed_batch_is_a_400_that_stores_nothing(alice_api, alice, body):
    response = alice_api.post(SYNC, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Memo.objects.filter(owner=alice).exists()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"client_id": "x y"},
        {"client_id": "a", "cursor": -1},
        {"client_id": "a", "cursor": 10**22},
        {"client_id": "a", "types": "memo,cat"},
    ],
)
def test_bad_pull_parameters_are_a_400(alice_api, params):
    response = alice_api.get(SYNC, params)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_another_users_memo_can_be_neither_pulled_nor_pushed_over(alice_api, bob):
    secret = services.memo_create(owner=bob, content="bob's secret")

    results = push(alice_api, {"type": "memo", "id": str(secret.pk), "base_revision": 1, "content": "mine now"})

    assert results[0]["status"] == "conflict" and results[0]["data"] is None
    assert "secret" not in str(results)
    assert Memo.objects.get(pk=secret.pk).content == "bob's secret"
    assert pull(alice_api)["changes"] == []


def test_diary_pushes_conflict_by_sequence_number(alice_api, alice):
    created = push(alice_api, {"type": "diary", "date": "2026-11-20", "summary": "rainy", "mood_key": "calm"})
    seq = created[0]["seq"]
    diary_services.diary_write(owner=alice, day=DAY, summary="rainy, then sunny")

    stale = push(alice_api, {"type": "diary", "date": "2026-11-20", "base_seq": seq, "summary": "just rainy"})
    current_seq = Diary.objects.get(owner=alice, date=DAY).change_seq
    deleted = push(alice_api, {"type": "diary", "date": "2026-11-20", "base_seq": current_seq, "is_deleted": True})

    assert created[0]["status"] == "applied" and created[0]["data"]["mood_key"] == "calm"
    assert stale[0]["status"] == "conflict" and stale[0]["data"]["summary"] == "rainy, then sunny"
    assert deleted[0]["status"] == "applied" and deleted[0]["data"]["is_deleted"] is True


def test_guests_may_pull_but_not_push(guest_api):
    assert guest_api.get(SYNC, {"client_id": "tablet"}).status_code == 200
    response = guest_api.post(SYNC, {"client_id": "tablet", "changes": []}, format="json")
    assert response.status_code == 403


def test_a_pull_takes_the_same_number_of_queries_for_many_changes(alice_api, alice, django_assert_max_num_queries):
    for n in range(30):
        memo = services.memo_create(owner=alice, content=f"memo {n}")
        file_services.resource_upload(
            owner=alice, upload=SimpleUploadedFile(f"{n}.txt", b"words", "text/plain"), memo=memo
        )
        diary_services.diary_write(owner=alice, day=date(2026, 1, 1 + n), summary=f"day {n}")

    with django_assert_max_num_queries(12):
        page = pull(alice_api, cursor=0, limit=1000)

    assert len(page["changes"]) == 120
    assert MemoRevision.objects.filter(memo__owner=alice).count() == 30


def test_deleting_a_user_takes_their_tombstones_and_cursors_along(alice, bob):
    memo = services.memo_create(owner=alice, content="mine")
    diary_services.diary_write(owner=alice, day=DAY, summary="a day")
    services.memo_trash(memo, user=alice)
    services.memo_purge(memo)
    changes.pull(alice, "laptop", cursor=0)
    services.memo_create(owner=bob, content="bob stays")

    alice.delete()

    assert not SyncTombstone.objects.exists()
    assert not SyncCursor.objects.exists()
    assert Memo.objects.get().content == "bob stays"


def test_the_settings_page_lists_synced_devices_and_can_forget_one(client, alice):
    changes.pull(alice, "phone-7f3a", cursor=0)
    changes.pull(alice, "laptop", cursor=0)
    client.force_login(alice)

    page = client.get("/accounts/settings/").content.decode()
    assert "phone-7f3a" in page and "laptop" in page

    response = client.post("/memos/devices/forget/", {"client_id": "phone-7f3a"})

    assert response.status_code == 302 and response["Location"].endswith("#devices")
    assert set(SyncCursor.objects.filter(user=alice).values_list("client_id", flat=True)) == {"laptop"}
    assert client.post("/memos/devices/forget/", {"client_id": "phone-7f3a"}).status_code == 302


def test_a_user_without_devices_is_told_how_to_sync(client, alice):
    client.force_login(alice)

    assert "No device has synced yet." in client.get("/accounts/settings/").content.decode()


def test_a_device_behind_pruned_tombstones_is_told_to_start_over(alice_api, alice):
    gone, kept = (services.memo_create(owner=alice, content=text) for text in ("gone", "kept"))
    early = pull(alice_api, types="memo")["cursor"]  # this device then stays away
    services.memo_trash(gone, user=alice)
    services.memo_purge(gone)
    later = pull(alice_api, client_id="phone", cursor=0)["cursor"]
    SyncTombstone.objects.update(deleted_at=timezone.now() - timedelta(days=200))
    out = io.StringIO()

    call_command("prune_sync_tombstones", stdout=out)

    assert "Pruned 1 tombstone(s) older than 180 days." in out.getvalue()
    stale = alice_api.get(SYNC, {"client_id": "laptop", "cursor": early})
    assert stale.status_code == 410 and stale.json()["code"] == "resync_required"
    assert pull(alice_api, client_id="phone", cursor=later)["changes"] == []  # up to date: fine
    fresh = pull(alice_api, client_id="laptop", cursor=0)
    assert kinds_and_ids(fresh)[0] == ("memo", str(kept.pk)) and not any(c["deleted"] for c in fresh["changes"])
