import pytest

from memos.models import Memo
from memos.notes import services

pytestmark = pytest.mark.django_db

MEMOS = "/api/v1/memos/"


def test_create_read_and_list_memos(alice_api):
    created = alice_api.post(MEMOS, {"content": "# Groceries\nmilk #shopping", "tags": ["Home"]})

    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["tags"], body["revision_count"]) == ("Groceries", ["home", "shopping"], 1)
    assert alice_api.get(f"{MEMOS}{body['id']}/").json()["content"] == "# Groceries\nmilk #shopping"
    assert [memo["id"] for memo in alice_api.get(MEMOS).json()["results"]] == [body["id"]]


def test_editing_with_a_stale_revision_is_a_409_with_the_current_memo(alice_api, alice):
    memo = services.memo_create(owner=alice, content="v1")
    assert alice_api.patch(f"{MEMOS}{memo.pk}/", {"revision": 1, "content": "v2 (tab A)"}).status_code == 200

    response = alice_api.patch(f"{MEMOS}{memo.pk}/", {"revision": 1, "content": "v2 (tab B)"})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_revision"
    assert response.json()["current"]["content"] == "v2 (tab A)"
    assert Memo.objects.get(pk=memo.pk).content == "v2 (tab A)"


def test_a_content_edit_without_a_revision_is_a_400(alice_api, alice):
    memo = services.memo_create(owner=alice, content="v1")

    response = alice_api.patch(f"{MEMOS}{memo.pk}/", {"content": "v2"})

    assert response.status_code == 400
    assert "revision" in response.json()["errors"]


def test_revisions_can_be_listed_compared_and_restored(alice_api, alice):
    memo = services.memo_create(owner=alice, content="line one\nline two")
    services.memo_update(memo, user=alice, base_revision=1, content="line one\nline 2")
    url = f"{MEMOS}{memo.pk}/revisions/"

    listed = alice_api.get(url).json()["results"]
    detail = alice_api.get(f"{url}1/").json()
    restored = alice_api.post(f"{url}1/restore/")

    assert [rev["revision_number"] for rev in listed] == [2, 1]
    assert "-line two" in detail["diff"] and "+line 2" in detail["diff"]
    assert restored.json()["content"] == "line one\nline two"
    assert restored.json()["revision_count"] == 3


def test_delete_moves_to_the_trash_then_restore_or_purge(alice_api, alice):
    memo = services.memo_create(owner=alice, content="bye")

    assert alice_api.delete(f"{MEMOS}{memo.pk}/").status_code == 204
    assert alice_api.get(MEMOS).json()["results"] == []
    assert [m["id"] for m in alice_api.get(f"{MEMOS}?deleted=true").json()["results"]] == [str(memo.pk)]
    assert alice_api.post(f"{MEMOS}{memo.pk}/restore/").json()["is_deleted"] is False
    assert alice_api.post(f"{MEMOS}{memo.pk}/purge/").status_code == 400  # not in the trash
    alice_api.delete(f"{MEMOS}{memo.pk}/")
    assert alice_api.post(f"{MEMOS}{memo.pk}/purge/").status_code == 204
    assert not Memo.objects.filter(pk=memo.pk).exists()


def test_filters_by_tag_archive_and_text(alice_api, alice):
    services.memo_create(owner=alice, content="alpha #work")
    archived = services.memo_create(owner=alice, content="beta #work")
    services.memo_update(archived, user=alice, base_revision=None, is_archived=True)
    services.memo_create(owner=alice, content="gamma #home")

    def contents(query):
        return sorted(m["content"] for m in alice_api.get(f"{MEMOS}?{query}").json()["results"])

    assert contents("tag=work") == ["alpha #work"]
    assert contents("archived=true") == ["beta #work"]
    assert contents("text=GAMMA") == ["gamma #home"]
    assert alice_api.get(f"{MEMOS}?created_after=not-a-date").status_code == 400


def test_another_users_memo_is_404(alice_api, bob):
    memo = services.memo_create(owner=bob, content="bob's")

    for response in [
        alice_api.get(f"{MEMOS}{memo.pk}/"),
        alice_api.patch(f"{MEMOS}{memo.pk}/", {"revision": 1, "content": "mine"}),
        alice_api.delete(f"{MEMOS}{memo.pk}/"),
        alice_api.get(f"{MEMOS}{memo.pk}/revisions/"),
        alice_api.post(f"{MEMOS}{memo.pk}/revisions/1/restore/"),
    ]:
        assert response.status_code == 404
    assert Memo.objects.get(pk=memo.pk).content == "bob's"


def test_tags_are_counted_per_user(alice_api, alice, bob):
    services.memo_create(owner=alice, content="#a #b")
    services.memo_create(owner=alice, content="#a")
    services.memo_create(owner=bob, content="#a #secret")

    assert alice_api.get("/api/v1/tags/").json()["results"] == [{"tag": "a", "count": 2}, {"tag": "b", "count": 1}]


def test_search_endpoint(alice_api, alice):
    services.memo_create(owner=alice, content="今天的日记很长")

    found = alice_api.get("/api/v1/search/?q=日记&mode=keyword").json()["results"]

    assert found[0]["snippet"] == "今天的<mark>日记</mark>很长"
    assert alice_api.get("/api/v1/search/?q=x&mode=fuzzy").status_code == 400
    assert alice_api.get("/api/v1/search/").status_code == 400


def test_diaries_by_date(alice_api, bob_api):
    written = alice_api.put(
        "/api/v1/diaries/2026-11-20/", {"summary": "Good day", "mood_key": "happy", "mood_score": 5}
    )

    assert written.status_code == 200 and written.json()["auto_generation_locked"] is True
    assert alice_api.get("/api/v1/diaries/2026-11-20/").json()["summary"] == "Good day"
    assert [d["date"] for d in alice_api.get("/api/v1/diaries/?start=2026-11-01&end=2026-11-30").json()["results"]] == [
        "2026-11-20"
    ]
    assert bob_api.get("/api/v1/diaries/2026-11-20/").status_code == 404
    assert alice_api.put("/api/v1/diaries/2026-11-20/", {"mood_score": 11}).status_code == 400
    assert alice_api.get("/api/v1/diaries/2026-13-45/").status_code == 404
    assert alice_api.delete("/api/v1/diaries/2026-11-20/").status_code == 204
    assert alice_api.get("/api/v1/diaries/2026-11-20/").status_code == 404


def test_memo_list_queries_stay_constant_from_5_to_50(alice_api, alice, django_assert_num_queries):
    for count in (5, 50):
        Memo.objects.all().delete()
        for number in range(count):
            services.memo_create(owner=alice, content=f"memo {number} #tag{number % 3}")
        # user of the token, page of memos
        with django_assert_num_queries(2):
            response = alice_api.get(f"{MEMOS}?page_size=50")
        assert len(response.json()["results"]) == count


def test_guests_read_but_never_write(guest_api, guest, client):
    memo = services.memo_create(owner=guest, content="made by staff for the guest account")

    assert guest_api.get(MEMOS).status_code == 200
    assert guest_api.post(MEMOS, {"content": "x"}).status_code == 403
    assert guest_api.patch(f"{MEMOS}{memo.pk}/", {"revision": 1, "content": "y"}).status_code == 403
    assert guest_api.delete(f"{MEMOS}{memo.pk}/").status_code == 403
    client.force_login(guest)
    assert client.post("/memos/new/", {"content": "z"}).status_code == 403
    assert client.post(f"/memos/{memo.pk}/trash/").status_code == 403
    assert list(Memo.objects.values_list("content", flat=True)) == ["made by staff for the guest account"]
