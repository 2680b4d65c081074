"""The library API: works with filters and sorts, one work with tracks and signed stream links, your review."""

from __future__ import annotations

import pytest

from library import scanner
from library.models import Review
from tests.library.test_scan import library_root, work  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

WORKS = "/api/v1/library/works/"


@pytest.fixture
def shelf(library_root):  # noqa: F811
    work(library_root, "RJ01111111 Rain", sidecar={"code": "RJ01111111", "circle": "Moonlit", "tags": ["sleep"],
                                                  "release": "2024-01-01", "price": 990, "dl_count": 50})  # fmt: skip
    work(library_root, "RJ02222222 Sea", sidecar={"circle": "Tide", "tags": ["sea"], "release": "2025-01-01",
                                                 "price": 440, "dl_count": 900, "vas": ["Aoi"]})  # fmt: skip
    scanner.scan()


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
    assert codes(alice_api.get(WORKS, {"ordering": "root__path"})) == ["RJ02222222", "RJ01111111"]  # ignored


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
