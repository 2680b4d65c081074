"""In Chromium: the mini-player keeps playing while a person browses other pages, tells the lock screen what plays,
changes speed, stops on its sleep timer, keeps bookmarks, and forgets everything on sign-out."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from library import scanner
from library.models import Bookmark, Work
from memos.models import Memo
from memos.notes.services import memo_create
from tests.e2e.helpers import sign_in
from tests.e2e.test_every_page import PAGE_FACTS, english_left
from tests.library.disk import wav

AUDIO = "document.querySelector('#mini-player audio')"


def scanned(tmp_path, settings, folder_name: str, tracks: tuple[str, str]) -> Work:
    settings.LIBRARY_ROOTS = {"voice": str(tmp_path / "voice")}
    folder = tmp_path / "voice" / folder_name
    for track in tracks:
        wav(folder / f"{track}.wav", seconds=40.0)
    scanner.scan()
    return Work.objects.get()


@pytest.fixture
def work(tmp_path, settings) -> Work:
    return scanned(tmp_path, settings, "RJ01234567 [Moonlit] Rain", ("01 intro", "02 rain"))


def position(page: Page) -> float:
    return page.evaluate(f"{AUDIO}.currentTime")


def still_playing(page: Page, since: float) -> float:
    """Waits until the audio, playing, has moved past `since`; returns where it is."""
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > {since}", timeout=10000)
    return position(page)


def stop_and_settle(page: Page) -> None:
    """Stop the audio and let its last save finish before the database is flushed for the next test."""
    page.evaluate(f"{AUDIO}.pause()")
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")


@pytest.mark.django_db(transaction=True)
def test_playing_on_while_browsing_three_pages(live_server, page: Page, alice, password, work):
    memo_create(owner=alice, content="雨の日のメモ")
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{work.pk}/")
    page.get_by_role("button", name="▶ 01 intro").click()
    at = still_playing(page, 0.3)
    expect(page.get_by_test_id("mini-title")).to_have_text("01 intro")
    assert page.evaluate("navigator.mediaSession.metadata.title") == "01 intro"
    assert page.evaluate("navigator.mediaSession.metadata.album") == "Rain"
    assert page.evaluate("navigator.mediaSession.metadata.artist") == "Moonlit"
    page.evaluate("window.sameDocument = true")  # gone if the browser loaded a page the usual way

    main_menu = page.get_by_role("navigation", name="Main")
    for link, path, shows in (
        ("Memos", "/memos/", "雨の日のメモ"),
        ("Chat", "/chats/", "Chats"),
        ("Library", "/library/", "Rain"),
    ):
        main_menu.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"{live_server.url}{path}")
        expect(page.locator("main")).to_contain_text(shows)
        expect(page).to_have_title(re.compile(f"^{link}"))
        at = still_playing(page, at)
        assert page.evaluate("window.sameDocument") is True
        expect(page.get_by_test_id("mini-title")).to_have_text("01 intro")

    page.go_back()  # back to the chat list, still in the same document, still playing
    page.wait_for_url(f"{live_server.url}/chats/")
    expect(page.locator("main h1").first).to_have_text("Chats")
    at = still_playing(page, at)
    assert page.evaluate("window.sameDocument") is True

    # A form posts in place too: a memo written while listening is saved, and the music goes on.
    main_menu.get_by_role("link", name="Memos", exact=True).click()
    page.wait_for_url(f"{live_server.url}/memos/")
    page.locator("form.compose textarea").fill("雨音を聴きながら")
    page.locator("form.compose").get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("雨音を聴きながら")
    assert Memo.objects.filter(owner=alice, content="雨音を聴きながら").count() == 1
    still_playing(page, at)
    assert page.evaluate("window.sameDocument") is True
    stop_and_settle(page)


@pytest.mark.django_db(transaction=True)
def test_speed_sleep_timer_and_bookmarks(live_server, page: Page, alice, password, work):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{work.pk}/")
    page.get_by_role("button", name="▶ 01 intro").click()
    still_playing(page, 0.2)

    page.get_by_label("Speed, sleep timer and bookmark").click()
    page.get_by_label("Speed", exact=True).select_option("2")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 2

    # A bookmark with a note, shown on the work's page at once and kept on the server.
    page.get_by_label("Bookmark this place").fill("the rain begins")
    page.get_by_role("button", name="Save bookmark").click()
    expect(page.get_by_test_id("bookmark").first).to_contain_text("the rain begins")
    bookmark = Bookmark.objects.get(user=alice)
    assert bookmark.note == "the rain begins" and bookmark.position_seconds > 0

    # Sleep at the end of this track: it stops there instead of going on to the next one.
    page.get_by_label("Sleep timer", exact=True).select_option("end")
    page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 1")
    page.wait_for_function(f"() => {AUDIO}.paused", timeout=10000)
    expect(page.get_by_test_id("mini-title")).to_have_text("01 intro")
    expect(page.locator("#mini-player [role=status]")).to_have_text("The sleep timer stopped playback.")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 2  # the speed stays

    # The queue, in the same panel: a track of it plays at once.
    queue = page.get_by_role("list", name="Queue").get_by_role("button")
    expect(queue).to_have_text(["01 intro", "02 rain"])
    queue.filter(has_text="02 rain").click()
    expect(page.get_by_test_id("mini-title")).to_have_text("02 rain")
    still_playing(page, 0)

    # A bookmark plays its track from its place.
    page.reload()
    page.get_by_test_id("bookmark").get_by_role("button").first.click()
    at = still_playing(page, 0)
    assert abs(at - bookmark.position_seconds) < 3
    stop_and_settle(page)


@pytest.mark.django_db(transaction=True)
def test_signing_out_forgets_the_queue_in_this_tab(live_server, page: Page, alice, password, work):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{work.pk}/")
    page.get_by_role("button", name="▶ 01 intro").click()
    still_playing(page, 0.2)
    assert page.evaluate(f"sessionStorage.getItem('quillium.player.{alice.pk}')")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/**")

    expect(page.locator("#mini-player")).to_have_count(0)
    assert page.evaluate(f"sessionStorage.getItem('quillium.player.{alice.pk}')") is None


@pytest.mark.django_db(transaction=True)
def test_the_player_on_a_phone_in_japanese(live_server, browser: Browser, alice, password, tmp_path, settings):
    """The bar at 390 px: in the reader's language, nothing sideways, 44 px targets, nothing axe calls serious, and
    the chat's message box above it."""
    work = scanned(tmp_path, settings, "RJ01234567 [月光] 雨の夜", ("01 序章", "02 雨音"))
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", locale="ja-JP",
        extra_http_headers={"Accept-Language": "ja"},
    )  # fmt: skip
    page = context.new_page()
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{work.pk}/")
    page.locator("main button.play[data-track]").first.click()
    still_playing(page, 0.2)
    page.locator("#mini-player summary").click()

    facts = page.evaluate(PAGE_FACTS)
    assert facts["overflow"] <= 1, facts["wide"]
    assert facts["small"] == []
    assert english_left(facts["texts"], "ja") == []
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []

    page.locator("#mini-player summary").click()
    page.locator("label.nav-toggle-label").click()  # the main menu is a drawer on a phone
    page.get_by_role("navigation").locator("a[href='/chats/']").click()
    page.locator("main a[href='/chats/new/']").first.click()
    page.wait_for_url(f"{live_server.url}/chats/new/")
    composer = page.locator(".composer").bounding_box()
    bar = page.locator("#mini-player").bounding_box()
    assert composer["y"] + composer["height"] <= bar["y"] + 1
    still_playing(page, 0.5)
    stop_and_settle(page)
    context.close()
