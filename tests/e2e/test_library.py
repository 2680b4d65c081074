"""In Chromium: a person plays a work (the queue moves on, the lyrics follow, the place is kept and resumed after a
reload), and staff start a scan and watch its progress bar fill as the worker runs it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from library import scanner
from library.models import Playback, Work
from tests.e2e.helpers import sign_in
from tests.e2e.test_bots import run_worker_once
from tests.library.disk import wav


@pytest.fixture
def root(tmp_path, settings):
    folder = tmp_path / "voice"
    settings.LIBRARY_ROOTS = {"voice": str(folder)}
    return folder


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_play_follow_the_lyrics_and_resume(live_server, page: Page, root, alice, password):
    folder = root / "RJ01234567 Rain"
    wav(folder / "01 intro.wav", seconds=1.0)
    wav(folder / "02 rain.wav", seconds=4.0)
    (folder / "02 rain.lrc").write_text("[00:00.00]first drops\n[00:01.50]heavy rain\n")
    scanner.scan()
    work = Work.objects.get()
    sign_in(page, live_server.url, alice.email, password)

    page.goto(f"{live_server.url}/library/")
    page.get_by_role("link", name="Rain").first.click()
    page.get_by_role("button", name="▶ 01 intro").click()

    # The one-second intro ends and the queue moves on to the next track, whose lyrics follow the time.
    expect(page.get_by_test_id("now-playing")).to_have_text("02 rain", timeout=10000)
    expect(page.locator(".lyrics p.current")).to_have_text("heavy rain", timeout=10000)
    page.evaluate("document.querySelector('#mini-player audio').pause()")
    rain = work.tracks.get(path="02 rain.wav")
    wait_for(lambda: Playback.objects.filter(user=alice, track=rain, position_seconds__gt=1.4).exists())

    # Another device (nothing kept in this tab): the work's page offers the place, in the player at the bottom.
    page.evaluate("sessionStorage.clear()")
    page.reload()
    expect(page.get_by_test_id("mini-title")).to_have_text("02 rain")
    expect(page.get_by_test_id("now-playing")).to_have_text("02 rain")
    expect(page.locator("li[aria-current] button")).to_have_text("▶ 02 rain")
    page.wait_for_function("document.querySelector('#mini-player audio').currentTime > 1.4")
    assert page.evaluate("document.querySelector('#mini-player audio').paused")


@pytest.mark.django_db(transaction=True)
def test_staff_scan_from_the_page_and_watch_it_finish(live_server, page: Page, root, staff, password):
    for n in range(3):
        wav(root / f"RJ0{7000000 + n} Work {n}" / "01.wav", seconds=0.2)
    sign_in(page, live_server.url, staff.email, password)
    page.goto(f"{live_server.url}/library/scans/")
    page.get_by_role("button", name="Scan now").click()
    expect(page.get_by_text("Scan queued")).to_be_visible()
    row = page.get_by_test_id("scan-row").first
    expect(row.locator("[data-field=status]")).to_have_text("Queued")

    run_worker_once()

    expect(row.locator("[data-field=status]")).to_have_text("Done", timeout=10000)
    expect(row.locator("progress")).to_have_attribute("value", "100")
    expect(row.locator("[data-field=added]")).to_have_text("3")
    page.goto(f"{live_server.url}/library/")
    expect(page.get_by_test_id("work-card")).to_have_count(3)
