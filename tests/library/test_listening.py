"""Playlists (a person's ordered tracks from any works) and favourite works: services, pages and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from library import services
from library.models import Favourite, Playlist, PlaylistItem, Track, Work

pytestmark = pytest.mark.django_db

PLAYLISTS = "/api/v1/library/playlists/"
FAVOURITES = "/api/v1/library/favourites/"


@pytest.fixture
def tracks(shelf) -> list[Track]:
    """Rain's two tracks, then Sea's two."""
    return list(Track.objects.order_by("work__code", "sort_order"))


def order(playlist: Playlist) -> list[tuple[int, int]]:
    return list(playlist.items.order_by("position").values_list("position", "track_id"))


def test_tracks_of_several_works_keep_their_order_through_moves_and_removals(alice, tracks):
    rain1, rain2, sea1, sea2 = tracks
    playlist = services.playlist_create(owner=alice, name="Night")

    services.playlist_add(playlist, [sea2, rain1])
    services.playlist_add(playlist, [rain2, sea1, rain1])  # a track may come twice
    assert order(playlist) == [(1, sea2.pk), (2, rain1.pk), (3, rain2.pk), (4, sea1.pk), (5, rain1.pk)]

    services.playlist_move(playlist.items.get(position=4), 1)
    assert [t for _, t in order(playlist)] == [sea1.pk, sea2.pk, rain1.pk, rain2.pk, rain1.pk]
    services.playlist_move(playlist.items.get(position=1), 99)  # past the end: last
    assert [t for _, t in order(playlist)] == [sea2.pk, rain1.pk, rain2.pk, rain1.pk, sea1.pk]
    services.playlist_remove(playlist.items.get(position=2))
    assert order(playlist) == [(1, sea2.pk), (2, rain2.pk), (3, rain1.pk), (4, sea1.pk)]


def test_names_are_required_and_unique_per_person(alice, bob):
    services.playlist_create(owner=alice, name="Night")
    services.playlist_create(owner=bob, name="Night")  # another person's may share it

    with pytest.raises(ValidationError, match="already have a playlist"):
        services.playlist_create(owner=alice, name=" Night ")
    with pytest.raises(ValidationError, match="needs a name"):
        services.playlist_create(owner=alice, name="  ")


def test_hidden_works_tracks_cannot_be_added(alice, tracks):
    Work.objects.filter(code="RJ01111111").update(nsfw=True)  # alice has not chosen to see nsfw works
    playlist = services.playlist_create(owner=alice, name="Night")

    with pytest.raises(ValidationError, match="No such track"):
        services.playlist_add(playlist, [tracks[0]])
    assert not playlist.items.exists()


def test_the_api_makes_fills_reorders_and_empties_a_playlist(alice_api, tracks):
    made = alice_api.post(PLAYLISTS, {"name": "Night", "description": "for sleeping"}, format="json")
    assert made.status_code == 201, made.content
    url = f"{PLAYLISTS}{made.json()['id']}/"

    added = alice_api.post(f"{url}items/", {"tracks": [tracks[2].pk, tracks[0].pk]}, format="json")
    assert added.status_code == 201, added.content
    assert [(item["position"], item["track"]["id"]) for item in added.json()] == [(1, tracks[2].pk), (2, tracks[0].pk)]
    first = added.json()[0]["id"]

    moved = alice_api.post(f"{url}items/{first}/move/", {"position": 2}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 2

    detail = alice_api.get(url).json()
    assert [item["track"]["id"] for item in detail["items"]] == [tracks[0].pk, tracks[2].pk]
    assert detail["items"][0]["track"]["stream_url"].startswith("/library/stream/")
    assert detail["items"][0]["work_title"] == "Rain"
    assert alice_api.get(PLAYLISTS).json()["results"][0]["track_count"] == 2

    assert alice_api.delete(f"{url}items/{first}/").status_code == 204
    assert alice_api.patch(url, {"name": "Nights"}, format="json").json()["name"] == "Nights"
    assert alice_api.delete(url).status_code == 204
    assert not Playlist.objects.exists() and not PlaylistItem.objects.exists()
    assert Track.objects.count() == 4  # the tracks stay in the library


def test_bad_input_is_a_clear_400(alice_api, tracks):
    url = f"{PLAYLISTS}{alice_api.post(PLAYLISTS, {'name': 'Night'}, format='json').json()['id']}/"

    assert alice_api.post(PLAYLISTS, {"name": "Night"}, format="json").status_code == 400  # taken
    unknown = alice_api.post(f"{url}items/", {"tracks": [999999]}, format="json")
    assert unknown.status_code == 400 and "No such track" in unknown.json()["detail"]
    assert alice_api.post(f"{url}items/", {"tracks": []}, format="json").status_code == 400


def test_another_persons_playlists_and_favourites_are_invisible(alice, alice_api, bob_api, client, bob, tracks):
    playlist = services.playlist_create(owner=alice, name="Mine")
    item = services.playlist_add(playlist, [tracks[0]])[0]
    services.favourite_set(user=alice, work=tracks[0].work, on=True)
    url = f"{PLAYLISTS}{playlist.pk}/"

    assert bob_api.get(PLAYLISTS).json()["results"] == []
    assert bob_api.get(url).status_code == 404
    assert bob_api.patch(url, {"name": "Ours"}, format="json").status_code == 404
    assert bob_api.post(f"{url}items/", {"tracks": [tracks[1].pk]}, format="json").status_code == 404
    assert bob_api.delete(f"{url}items/{item.pk}/").status_code == 404
    assert bob_api.get(FAVOURITES).json()["results"] == []
    assert bob_api.delete(f"{FAVOURITES}{tracks[0].work_id}/").status_code == 404
    client.force_login(bob)
    assert client.get(f"/library/playlists/{playlist.pk}/").status_code == 404
    assert client.post(f"/library/playlists/{playlist.pk}/items/{item.pk}/", {"remove": "1"}).status_code == 404
    bobs_add = client.post("/library/playlists/add/", {"tracks": [tracks[1].pk], "playlist": playlist.pk})
    assert bobs_add.status_code == 404
    assert order(playlist) == [(1, tracks[0].pk)]
    assert Favourite.objects.filter(user=alice).count() == 1


def test_favourites_through_the_api(alice_api, alice, tracks):
    rain, sea = tracks[0].work, tracks[2].work

    assert alice_api.post(FAVOURITES, {"work": rain.pk}, format="json").status_code == 201
    assert alice_api.post(FAVOURITES, {"work": sea.pk}, format="json").status_code == 201
    assert alice_api.post(FAVOURITES, {"work": rain.pk}, format="json").status_code == 201  # twice is once
    assert [w["code"] for w in alice_api.get(FAVOURITES).json()["results"]] == ["RJ02222222", "RJ01111111"]
    assert alice_api.delete(f"{FAVOURITES}{rain.pk}/").status_code == 204
    assert list(Favourite.objects.filter(user=alice).values_list("work_id", flat=True)) == [sea.pk]
    assert alice_api.post(FAVOURITES, {"work": 999999}, format="json").status_code == 404


def test_on_the_pages_tick_tracks_into_a_new_playlist_then_play_and_arrange_it(client, alice, tracks):
    client.force_login(alice)
    work = tracks[0].work

    page = client.get(f"/library/works/{work.pk}/").content.decode()
    assert 'form="playlist-add"' in page and "Add to playlist" in page
    response = client.post(
        "/library/playlists/add/",
        {"tracks": [tracks[1].pk, tracks[0].pk], "new_name": "Rain night", "next": f"/library/works/{work.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/library/works/{work.pk}/"
    playlist = Playlist.objects.get(owner=alice, name="Rain night")
    assert [t for _, t in order(playlist)] == [tracks[1].pk, tracks[0].pk]

    shown = client.get(f"/library/playlists/{playlist.pk}/")
    player = shown.context["player"]
    assert [(t["id"], t["work"]) for t in player["queue"]] == [(tracks[1].pk, work.pk), (tracks[0].pk, work.pk)]
    first = playlist.items.get(position=1)
    client.post(f"/library/playlists/{playlist.pk}/items/{first.pk}/", {"position": "2"})
    assert [t for _, t in order(playlist)] == [tracks[0].pk, tracks[1].pk]
    client.post(f"/library/playlists/{playlist.pk}/items/{first.pk}/", {"remove": "1"})
    assert order(playlist) == [(1, tracks[0].pk)]

    assert "Delete the playlist" in client.get(f"/library/playlists/{playlist.pk}/delete/").content.decode()
    client.post(f"/library/playlists/{playlist.pk}/delete/")
    assert not Playlist.objects.exists()


def test_on_the_pages_a_heart_makes_a_favourite_that_my_library_lists_first(client, alice, tracks):
    client.force_login(alice)
    work = tracks[2].work

    client.post(f"/library/works/{work.pk}/favourite/", {"on": "1"})

    assert Favourite.objects.filter(user=alice, work=work).exists()
    assert 'aria-pressed="true"' in client.get(f"/library/works/{work.pk}/").content.decode()
    groups = client.get("/library/mine/").context["groups"]
    assert groups[0][0] == "Favourites" and [w.pk for w in groups[0][1]] == [work.pk]
    client.post(f"/library/works/{work.pk}/favourite/", {"on": "0"})
    assert not Favourite.objects.exists()


def test_the_playlist_page_takes_the_same_queries_for_2_or_40_tracks(
    client, alice, tracks, django_assert_max_num_queries
):
    client.force_login(alice)
    playlist = services.playlist_create(owner=alice, name="Long")
    services.playlist_add(playlist, tracks[:2])
    with django_assert_max_num_queries(12) as few:
        client.get(f"/library/playlists/{playlist.pk}/")
    services.playlist_add(playlist, tracks * 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/library/playlists/{playlist.pk}/").status_code == 200


BOOKMARKS = "/api/v1/library/bookmarks/"


def test_bookmarks_through_the_api_are_each_persons_own(alice_api, bob_api, alice, tracks):
    made = alice_api.post(
        BOOKMARKS, {"track": tracks[1].pk, "position_seconds": 12.5, "note": "雨が強くなる"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert (made.json()["work"], made.json()["track_title"]) == (tracks[1].work_id, tracks[1].title)
    alice_api.post(BOOKMARKS, {"track": tracks[2].pk, "position_seconds": 1}, format="json")

    mine = alice_api.get(BOOKMARKS, {"work": tracks[1].work_id}).json()["results"]
    assert [(b["track"], b["position_seconds"], b["note"]) for b in mine] == [(tracks[1].pk, 12.5, "雨が強くなる")]
    assert bob_api.get(BOOKMARKS).json()["results"] == []
    assert bob_api.delete(f"{BOOKMARKS}{made.json()['id']}/").status_code == 404
    assert alice_api.delete(f"{BOOKMARKS}{made.json()['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"track": None}, "track"),
        ({"track": 999999}, "track"),
        ({"position_seconds": -1}, "position_seconds"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_bad_bookmark_is_a_clear_400(alice_api, tracks, changes, field):
    body = {"track": tracks[0].pk, "position_seconds": 1, **changes}

    response = alice_api.post(
        BOOKMARKS, {key: value for key, value in body.items() if value is not None}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_a_bookmark_on_a_hidden_work_is_refused(alice_api, tracks):
    Work.objects.filter(pk=tracks[0].work_id).update(nsfw=True)

    response = alice_api.post(BOOKMARKS, {"track": tracks[0].pk, "position_seconds": 1}, format="json")

    assert response.status_code == 400 and "No such track" in response.json()["detail"]


def test_the_work_page_lists_bookmarks_and_deletes_one(client, alice, bob, tracks):
    bookmark = services.bookmark_add(user=alice, track=tracks[0], position_seconds=65.0, note="ここから")
    client.force_login(bob)
    assert client.post(f"/library/bookmarks/{bookmark.pk}/delete/").status_code == 404
    client.force_login(alice)

    page = client.get(f"/library/works/{tracks[0].work_id}/").content.decode()

    assert "ここから" in page and 'data-at="65.0"' in page and "1:05" in page
    client.post(f"/library/bookmarks/{bookmark.pk}/delete/")
    assert not alice.library_bookmarks.exists()


def test_the_mini_player_is_on_signed_in_pages_only(client, alice):
    assert b'id="mini-player"' not in client.get("/accounts/login/").content
    client.force_login(alice)
    assert b'id="mini-player"' in client.get("/memos/").content
