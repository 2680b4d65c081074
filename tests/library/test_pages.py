"""Library pages with the test client: the grid (filters, sorts, nsfw per person), the work page (track tree,
player data, review, household), my library, circle/tag/VA pages, covers, and the staff's scan page."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from library import scanner, services
from library.models import Review, Scan, Work
from tests.library.disk import work

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


def card_codes(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    codes = [work.code for work in response.context["page"].object_list]
    assert all(f"{code} · " in response.content.decode() for code in codes)
    return codes


def test_grid_filters_sorts_and_paginates(client, alice, shelf):
    signed_in(client, alice)
    page = client.get("/library/")
    assert card_codes(page) == ["RJ02222222", "RJ01111111"]
    assert 'src="/library/works/' in page.content.decode()  # covers
    assert card_codes(client.get("/library/", {"ordering": "price"})) == ["RJ02222222", "RJ01111111"]
    assert card_codes(client.get("/library/", {"ordering": "-dl_count"})) == ["RJ02222222", "RJ01111111"]
    assert card_codes(client.get("/library/", {"ordering": "release"})) == ["RJ01111111", "RJ02222222"]
    assert card_codes(client.get("/library/", {"tag": "sleep"})) == ["RJ01111111"]
    assert card_codes(client.get("/library/", {"va": "Aoi"})) == ["RJ02222222"]
    assert card_codes(client.get("/library/", {"search": "sea"})) == ["RJ02222222"]
    empty = client.get("/library/", {"tag": "nothing"})
    assert "No work matches these filters" in empty.content.decode()
    bad = client.get("/library/", {"ordering": "root__path", "min_rating": "lots"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()


def test_nsfw_works_are_hidden_until_the_person_chooses_to_see_them(client, alice, bob, library_root):
    work(library_root, "RJ03333333 Night", sidecar={"nsfw": True, "circle": "Late"})
    work(library_root, "RJ04444444 Day", sidecar={"circle": "Early"})
    scanner.scan()
    night = Work.objects.get(code="RJ03333333")
    signed_in(client, alice)
    assert card_codes(client.get("/library/")) == ["RJ04444444"]
    assert client.get(f"/library/works/{night.pk}/").status_code == 404
    assert client.get(f"/library/works/{night.pk}/cover/").status_code == 404
    assert "Late" not in client.get("/library/circles/").content.decode()

    assert client.post("/library/settings/", {"show_nsfw": "on"}).status_code == 302
    assert "checked" in client.get("/accounts/settings/").content.decode().split('id="library"')[1][:600]
    assert sorted(card_codes(client.get("/library/"))) == ["RJ03333333", "RJ04444444"]
    assert client.get(f"/library/works/{night.pk}/").status_code == 200
    signed_in(client, bob)  # his own choice: still hidden
    assert card_codes(client.get("/library/")) == ["RJ04444444"]


def test_grid_queries_do_not_grow_with_the_page(client, alice, library_root, django_assert_max_num_queries):
    for n in range(30):
        work(library_root, f"RJ0{5000000 + n} Work {n}", tracks=1, sidecar={"circle": f"Circle {n % 4}",
                                                                            "tags": ["a", "b"]})  # fmt: skip
    scanner.scan()
    signed_in(client, alice)
    client.get("/library/")  # session and settings warm
    with django_assert_max_num_queries(8):
        assert len(card_codes(client.get("/library/"))) == 30


def test_the_work_page_has_the_track_tree_player_and_household(client, alice, bob, shelf):
    rain = Work.objects.get(code="RJ01111111")
    (shelf / "RJ01111111 Rain" / "extra").mkdir()
    services.review_save(user=bob, work=rain, rating=4, progress="listened", review_text="Soothing.")
    track = rain.tracks.first()
    services.playback_save(user=alice, work=rain, track=track, position_seconds=12.5)
    signed_in(client, alice)

    page = client.get(f"/library/works/{rain.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    player = json.loads(re.search(r'<script id="player-data" type="application/json">(.*?)</script>', html).group(1))
    assert [t["title"] for t in player["queue"]] == ["01 track", "02 track"]
    assert player["resume"] == {"track": track.pk, "position": 12.5}
    assert player["queue"][0]["lyrics"] is True and player["queue"][0]["src"].startswith("/library/stream/")
    rows = page.context["household"]
    assert [(r["user"], r["review"] and r["review"].rating, bool(r["listened_at"])) for r in rows] == [
        (bob, 4, False),
        (alice, None, True),
    ]
    assert "Soothing." in html and "Moonlit" in html and "#sleep" in html


def test_writing_a_review_on_the_page(client, alice, guest, shelf):
    rain = Work.objects.get(code="RJ01111111")
    signed_in(client, alice)
    url = f"/library/works/{rain.pk}/review/"
    saved = client.post(url, {"rating": "5", "progress": "listening", "review_text": "Best rain."})
    assert saved.status_code == 302
    assert Review.objects.get(user=alice).rating == 5
    refused = client.post(url, {"rating": "9", "progress": "listening"})
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    assert Review.objects.get(user=alice).rating == 5  # nothing lost

    mine = client.get("/library/mine/")
    assert mine.context["groups"] == [("Listening", [rain])]
    signed_in(client, guest)
    assert client.post(url, {"rating": "1"}).status_code == 403
    assert "Guests can listen" in client.get(f"/library/works/{rain.pk}/").content.decode()


def test_circle_tag_and_voice_actor_pages(client, alice, bob, shelf):
    sea = Work.objects.get(code="RJ02222222")
    services.review_save(user=bob, work=sea, rating=2)
    signed_in(client, alice)
    circles = client.get("/library/circles/").content.decode()
    assert "Moonlit" in circles and "Tide" in circles
    tide = sea.circle
    assert card_codes(client.get(f"/library/circles/{tide.pk}/")) == ["RJ02222222"]
    assert "home ★ 2.0" in client.get("/library/circles/").content.decode()
    assert card_codes(client.get(f"/library/tags/{sea.tags.get().pk}/")) == ["RJ02222222"]
    assert card_codes(client.get(f"/library/vas/{sea.vas.get().pk}/")) == ["RJ02222222"]
    assert client.get("/library/vas/not-a-uuid/").status_code == 404
    assert client.get("/library/tags/99999/").status_code == 404
    assert client.get("/library/tags/abc/").status_code == 404
    assert client.get("/library/circles/1.5/").status_code == 404


def test_cover_is_served_and_stays_inside_the_root(client, alice, shelf):
    rain = Work.objects.get(code="RJ01111111")
    signed_in(client, alice)
    response = client.get(f"/library/works/{rain.pk}/cover/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    services.work_edit(rain, cover="../../../etc/passwd")
    assert client.get(f"/library/works/{rain.pk}/cover/").status_code == 404


def test_the_scan_page_queues_one_scan_and_the_worker_runs_it(client, alice, staff, library_root):
    from library import tasks

    work(library_root, "RJ06666666 Queued")
    signed_in(client, alice)
    assert client.get("/library/scans/").status_code == 403
    signed_in(client, staff)
    assert client.post("/library/scans/", {}).status_code == 302
    again = client.post("/library/scans/", {}, follow=True)
    assert "is queued; wait for it to finish" in again.content.decode()
    record = Scan.objects.get()
    assert record.status == Scan.Status.QUEUED and record.requested_by == staff
    page = client.get("/library/scans/").content.decode()
    assert f'data-follow="/api/v1/library/scans/{record.pk}/"' in page

    assert tasks.scan_library.call(record.pk) == Scan.Status.DONE

    record.refresh_from_db()
    assert (record.added, record.percent, record.finished) == (1, 100, True)
    assert Work.objects.filter(code="RJ06666666").exists()
    assert "data-follow" not in client.get("/library/scans/").content.decode()


def test_a_scan_left_running_by_a_dead_worker_does_not_block_the_next(staff, library_root):
    stuck = Scan.objects.create(status=Scan.Status.RUNNING)
    record = services.scan_request(user=staff)
    stuck.refresh_from_db()
    assert stuck.status == Scan.Status.FAILED and "Interrupted" in stuck.message
    assert record.status == Scan.Status.QUEUED
