"""Private (the default), household and public memos: who reads them where. A private memo is never readable by
another user, a guest or someone signed out, through any page, file, API, feed, search or explore; sync, search and
the bots' memory keep to the owner's memos whatever their visibility."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from memos.files import services as file_services
from memos.models import Memo
from memos.notes import services
from memos.search.keyword import keyword_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(alice):
    return {
        name: services.memo_create(owner=alice, content=f"{name} note about lanterns #lights", visibility=name)
        for name in ("private", "household", "public")
    }


def test_a_memo_is_private_unless_said_and_a_change_of_visibility_is_a_revision(alice):
    memo = services.memo_create(owner=alice, content="mine")
    assert memo.visibility == "private"

    shared = services.memo_update(memo, user=alice, base_revision=None, visibility="household")

    assert shared.revision_count == 2
    latest = shared.revisions.order_by("-revision_number").first()
    assert (latest.visibility, latest.content) == ("household", "mine")
    assert services.memo_update(shared, user=alice, base_revision=None, visibility="household").revision_count == 2
    with pytest.raises(services.ValidationError):
        services.memo_update(shared, user=alice, base_revision=None, visibility="everyone")


def test_pages_show_each_reader_what_the_visibility_allows(client, alice, bob, guest, three):
    urls = {name: f"/memos/{memo.pk}/" for name, memo in three.items()}
    public_page = {name: f"/memos/public/{memo.pk}/" for name, memo in three.items()}

    client.force_login(bob)
    assert client.get(urls["private"]).status_code == 404
    assert client.get(urls["household"]).status_code == 200
    assert "household note" in client.get(urls["household"]).content.decode()
    explore = client.get("/memos/explore/").content.decode()
    assert "household note" in explore and "public note" in explore and "private note" not in explore
    client.force_login(guest)
    assert client.get(urls["private"]).status_code == 404 and client.get(urls["household"]).status_code == 200
    assert 'id="edit"' not in client.get(urls["household"]).content.decode()
    client.logout()
    assert client.get(public_page["public"]).status_code == 200
    assert client.get(public_page["household"]).status_code == 404
    assert client.get(public_page["private"]).status_code == 404
    assert client.get(urls["public"]).status_code == 302  # the memo page itself wants a sign-in


def test_others_read_but_never_write_a_shared_memo(client, bob, three):
    memo = three["household"]
    client.force_login(bob)

    for url in (f"/memos/{memo.pk}/edit/", f"/memos/{memo.pk}/pin/", f"/memos/{memo.pk}/tasks/0/"):
        assert client.post(url, {"content": "bob was here", "revision": 1}).status_code == 404
    memo.refresh_from_db()
    assert memo.content.startswith("household note") and not memo.pinned


def test_files_follow_the_memo_and_the_public_page_links_them_signed(client, alice, bob, three):
    private_file = file_services.resource_upload(
        owner=alice, upload=SimpleUploadedFile("secret.txt", b"secret", "text/plain"), memo=three["private"]
    )
    public_file = file_services.resource_upload(
        owner=alice, upload=SimpleUploadedFile("menu.txt", b"menu", "text/plain"), memo=three["public"]
    )
    client.force_login(bob)
    assert client.get(f"/memos/{three['private'].pk}/files/{private_file.pk}/").status_code == 404
    assert client.get(f"/memos/{three['public'].pk}/files/{public_file.pk}/").status_code == 200
    client.logout()

    page = client.get(f"/memos/public/{three['public'].pk}/").content.decode()

    link = page.split('class="file" href="')[1].split('"')[0]
    assert link.startswith("/memos/files/") and b"".join(client.get(link).streaming_content) == b"menu"
    assert client.get(f"/memos/{three['public'].pk}/files/{public_file.pk}/").status_code == 302


def test_the_feed_holds_only_public_memos(client, alice, three):
    feed = client.get(f"/memos/users/{alice.pk}/feed/")

    body = feed.content.decode()
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "public note" in body and "household note" not in body and "private note" not in body
    assert f"/memos/public/{three['public'].pk}/" in body
    assert client.get("/memos/users/999999/feed/").status_code == 404


def test_the_api_reads_and_sets_visibility_and_never_shows_others_memos(alice_api, bob_api, three):
    created = alice_api.post("/api/v1/memos/", {"content": "via api", "visibility": "public"}, format="json")
    memo_id = created.json()["id"]
    changed = alice_api.patch(f"/api/v1/memos/{memo_id}/", {"visibility": "household"}, format="json")
    refused = alice_api.post("/api/v1/memos/", {"content": "x", "visibility": "world"}, format="json")

    assert created.status_code == 201 and created.json()["visibility"] == "public"
    assert changed.json()["visibility"] == "household" and changed.json()["revision_count"] == 2
    assert refused.status_code == 400 and "visibility" in refused.json()["errors"]
    bobs = bob_api.get("/api/v1/memos/").json()["results"]
    assert bobs == []
    for memo in three.values():
        assert bob_api.get(f"/api/v1/memos/{memo.pk}/").status_code == 404


def test_search_sync_and_the_bots_keep_to_the_owners_memos(alice, bob, bob_api, three):
    assert [hit.memo.pk for hit in keyword_search(alice, "lanterns")] != []
    assert keyword_search(bob, "lanterns") == []
    assert bob_api.get("/api/v1/search/", {"q": "lanterns"}).json()["results"] == []
    assert bob_api.get("/api/v1/sync/", {"client_id": "phone"}).json()["changes"] == []
    assert Memo.objects.visible_to(bob).count() == 0 and Memo.objects.readable_by(bob).count() == 2


def test_an_edit_without_the_visibility_field_keeps_it_and_the_editor_can_change_it(client, alice, three):
    memo = three["household"]
    client.force_login(alice)

    client.post(f"/memos/{memo.pk}/edit/", {"content": "household, edited", "revision": 1})
    memo.refresh_from_db()
    assert (memo.visibility, memo.revision_count) == ("household", 2)
    client.post(f"/memos/{memo.pk}/edit/", {"content": "household, edited", "revision": 2, "visibility": "private"})
    memo.refresh_from_db()
    assert (memo.visibility, memo.revision_count) == ("private", 3)


def test_the_api_explores_shared_memos_with_their_writers_name(bob_api, api, guest_api, alice, three):
    found = bob_api.get("/api/v1/explore/").json()["results"]
    tagged = bob_api.get("/api/v1/explore/", {"tag": "nothing"}).json()["results"]

    assert [(memo["visibility"], memo["author"]) for memo in found] == [
        ("public", alice.name),
        ("household", alice.name),
    ]
    assert tagged == [] and guest_api.get("/api/v1/explore/").status_code == 200
    assert api.get("/api/v1/explore/").status_code == 401
