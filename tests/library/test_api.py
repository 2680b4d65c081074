"""The library API: works with filters and sorts, one work with tracks and signed stream links, your review."""

from __future__ import annotations

import pytest

from library import scanner, services
from library.models import Playback, Review, Work, va_id
from tests.library.disk import wav, work

pytestmark = pytest.mark.django_db

WORKS = "/api/v1/library/works/"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_list_filter_sort_and_search(alice_api, shelf):
    assert codes(alice_api.get(WORKS)) == ["RJ02222222", "RJ01111111"]  # newest first
    assert codes(alice_api.get(WORKS, {"ordering": "price"})) == ["RJ02222222", "RJ01111111"]
    assert codes(alice_api.get(WORKS, {"ordering": "-dl_count"})) == ["RJ02222222", "RJ01111111"]
    assert codes(alice_api.get(WORKS, {"circle": "Moonlit"})) == ["RJ01111111"]
    assert codes(alice_api.get(WORKS, {"tag": "sea"})) == ["RJ02222222"]
    assert codes(alice_api.get(WORKS, {"va": "Aoi"})) == ["RJ02222222"]
    assert codes(alice_api.get(WORKS, {"search": "rain"})) == ["RJ01111111"]
    refused = alice_api.get(WORKS, {"ordering": "root__path"})  # only the seed's sorts
    assert refused.status_code == 400 and "ordering" in refused.json()["errors"]


def test_a_work_with_tracks_and_a_stream_link_that_plays(alice_api, client, shelf):
    listed = alice_api.get(WORKS, {"search": "rain"}).json()["results"][0]

    detail = alice_api.get(f"{WORKS}{listed['id']}/").json()
    played = client.get(detail["tracks"][0]["stream_url"], HTTP_RANGE="bytes=0-3")

    assert [track["path"] for track in detail["tracks"]] == ["01 track.wav", "02 track.wav"]
    assert detail["tags"] == ["sleep"] and detail["my_review"] is None
    assert played.status_code == 206 and b"".join(played.streaming_content) == b"RIFF"


def test_review_and_progress(alice_api, bob_api, guest_api, shelf):
    work_id = alice_api.get(WORKS, {"search": "rain"}).json()["results"][0]["id"]
    url = f"{WORKS}{work_id}/review/"

    saved = alice_api.put(url, {"rating": 5, "progress": "listened", "review_text": "Lovely."}, format="json")

    assert saved.status_code == 200 and saved.json()["rating"] == 5
    assert alice_api.put(url, {"rating": 9}, format="json").status_code == 400
    assert alice_api.put(url, {"progress": "forgotten"}, format="json").status_code == 400
    assert bob_api.get(url).json()["rating"] is None  # everyone has their own
    assert guest_api.put(url, {"rating": 3}, format="json").status_code == 403
    assert codes(alice_api.get(WORKS, {"progress": "listened"})) == ["RJ01111111"]
    assert codes(bob_api.get(WORKS, {"progress": "listened"})) == []
    assert alice_api.get(f"{WORKS}{work_id}/").json()["my_review"]["review_text"] == "Lovely."
    assert Review.objects.count() == 1


def test_release_range_and_nsfw_follow_the_person(alice_api, alice, library_root):
    work(library_root, "RJ03333333 Night", sidecar={"nsfw": True, "release": "2023-06-01"})
    work(library_root, "RJ04444444 Day", sidecar={"release": "2025-06-01"})
    scanner.scan()
    assert codes(alice_api.get(WORKS)) == ["RJ04444444"]
    services.listener_settings_set(alice, show_nsfw=True)
    assert codes(alice_api.get(WORKS)) == ["RJ04444444", "RJ03333333"]
    assert codes(alice_api.get(WORKS, {"release_after": "2024-01-01"})) == ["RJ04444444"]
    assert codes(alice_api.get(WORKS, {"release_before": "2024-01-01"})) == ["RJ03333333"]
    assert alice_api.get(WORKS, {"release_after": "soon"}).status_code == 400


def test_playback_is_per_person_and_checked(alice_api, bob_api, guest_api, shelf):
    rain, sea = Work.objects.get(code="RJ01111111"), Work.objects.get(code="RJ02222222")
    url = f"{WORKS}{rain.pk}/playback/"
    track = rain.tracks.last()
    saved = alice_api.put(url, {"track": track.pk, "position_seconds": 42.5}, format="json")
    assert saved.status_code == 200 and saved.json()["position_seconds"] == 42.5
    assert alice_api.get(url).json()["track"] == track.pk
    assert alice_api.get(f"{WORKS}{rain.pk}/").json()["my_playback"]["position_seconds"] == 42.5
    assert bob_api.get(url).json()["track"] is None
    other = alice_api.put(url, {"track": sea.tracks.first().pk, "position_seconds": 1}, format="json")
    assert other.status_code == 400 and "not part of this work" in str(other.json())
    assert alice_api.put(url, {"track": track.pk, "position_seconds": -3}, format="json").status_code == 400
    assert guest_api.put(url, {"track": track.pk, "position_seconds": 3}, format="json").status_code == 403
    assert Playback.objects.get().position_seconds == 42.5


def test_track_ids_and_positions_survive_a_rescan(alice, shelf):
    rain = Work.objects.get(code="RJ01111111")
    before = {t.path: t.pk for t in rain.tracks.all()}
    services.playback_save(user=alice, work=rain, track=rain.tracks.first(), position_seconds=5)
    wav(shelf / "RJ01111111 Rain" / "03 track.wav")
    scanner.scan()
    after = {t.path: t.pk for t in rain.tracks.all()}
    assert {path: after[path] for path in before} == before and len(after) == 3
    assert Playback.objects.get().track_id == before["01 track.wav"]


def test_household_ratings_and_listens(alice_api, alice, bob, shelf):
    rain = Work.objects.get(code="RJ01111111")
    services.review_save(user=bob, work=rain, rating=4, review_text="Calm.")
    services.playback_save(user=alice, work=rain, track=None, position_seconds=0)
    rows = alice_api.get(f"{WORKS}{rain.pk}/household/").json()
    assert [(r["name"], r["rating"], r["last_listened_at"] is not None) for r in rows] == [
        ("Bob", 4, False),
        ("Alice", None, True),
    ]
    listed = alice_api.get(WORKS, {"circle": "Moonlit"}).json()["results"][0]
    assert (listed["household_rating"], listed["household_ratings"]) == (4.0, 1)


def test_circles_tags_and_voice_actors(alice_api, bob, shelf, django_assert_max_num_queries):
    services.review_save(user=bob, work=Work.objects.get(code="RJ02222222"), rating=3)
    with django_assert_max_num_queries(6):
        circles = alice_api.get("/api/v1/library/circles/").json()["results"]
    assert [(c["name"], c["work_count"], c["household_rating"]) for c in circles] == [
        ("Moonlit", 1, None),
        ("Tide", 1, 3.0),
    ]
    tags = alice_api.get("/api/v1/library/tags/", {"search": "sle"}).json()["results"]
    assert [t["name"] for t in tags] == ["sleep"]
    vas = alice_api.get("/api/v1/library/voice-actors/").json()["results"]
    assert vas[0]["id"] == str(va_id("Aoi"))
    assert alice_api.get(f"/api/v1/library/voice-actors/{vas[0]['id']}/").json()["name"] == "Aoi"
    assert alice_api.get("/api/v1/library/circles/", {"ordering": "-work_count"}).status_code == 200


def test_lyrics_as_cues(alice_api, shelf):
    track = Work.objects.get(code="RJ01111111").tracks.get(path="01 track.wav")
    listed = alice_api.get(f"{WORKS}{track.work_id}/").json()["tracks"][0]
    assert listed["lyrics_url"] == f"/api/v1/library/tracks/{track.pk}/lyrics/"
    assert alice_api.get(listed["lyrics_url"]).json() == [{"start": 0.0, "end": None, "text": "hello"}]
    no_lyrics = Work.objects.get(code="RJ01111111").tracks.get(path="02 track.wav")
    assert alice_api.get(f"/api/v1/library/tracks/{no_lyrics.pk}/lyrics/").json() == []


def test_scans_through_the_api_are_for_staff(alice_api, staff, library_root):
    from tests.conftest import jwt_client

    staff_api = jwt_client(staff)
    assert alice_api.post("/api/v1/library/scans/", {}, format="json").status_code == 403
    started = staff_api.post("/api/v1/library/scans/", {"dry_run": True}, format="json")
    assert started.status_code == 202 and started.json()["status"] == "queued" and started.json()["dry_run"]
    assert staff_api.post("/api/v1/library/scans/", {}, format="json").status_code == 409
    assert staff_api.get(f"/api/v1/library/scans/{started.json()['id']}/").json()["percent"] == 0
