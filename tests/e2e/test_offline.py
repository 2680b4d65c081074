"""Installable and offline, in Chromium with the network switched off: the timeline a person opened before opens
again from the service worker's cache with the offline banner, a page not kept says so, and signing out leaves no
memo text on the device; a second person on the same browser never gets the first's pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from memos.notes import services as memo_services
from tests.conftest import jwt_client
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CACHED_TEXTS = """async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      texts.push(name + " " + request.url + " " + await (await cache.match(request)).text());
    }
  }
  return texts;
}"""


NOTES_READY = "() => document.documentElement.dataset.offlineNotes === 'ready'"


def on_the_timeline(page: Page, base: str, email: str, password: str) -> None:
    """Signed in, on the timeline, controlled by the worker and with the notes copied to the device."""
    sign_in(page, base, email, password)
    page.goto(f"{base}/memos/")
    controlled(page)
    page.wait_for_function(NOTES_READY)


def write(page: Page, text: str, attachment: str | None = None) -> None:
    compose = page.locator("form.compose")
    compose.locator("textarea[name=content]").fill(text)
    if attachment:
        compose.locator("input[type=file]").set_input_files(attachment)
    compose.locator("button[type=submit]").first.click()


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page, then load it once through the worker (which keeps it)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()


def test_installable_and_the_timeline_opens_offline(live_server, page: Page, context: BrowserContext, alice, password):
    memo_services.memo_create(owner=alice, content="Kept for the train ride")
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")

    manifest = page.evaluate("() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/memos/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert page.request.get(live_server.url + icon["src"]).headers["content-type"] == "image/png"
    controlled(page)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    expect(page.locator("[data-offline-banner]")).to_be_hidden()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_text("Kept for the train ride")).to_be_visible()
    expect(page.locator("[data-offline-banner]")).to_be_visible()

    page.goto(f"{live_server.url}/chats/")  # never opened, and not a page kept offline
    expect(page.get_by_role("heading", name="This page isn't kept offline")).to_be_visible()

    context.set_offline(False)  # the offline page loads the page asked for by itself once the network is back
    try:  # Chromium's own "online" event comes, or not: send one
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
    except PlaywrightError:  # it came first, and the page is loading already
        pass
    expect(page.get_by_role("heading", name="This page isn't kept offline")).to_have_count(0)
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/memos/")
    expect(page.locator("[data-offline-banner]")).to_be_hidden()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("() => caches.keys()") == []  # Cache Storage and IndexedDB: empty for the site
    assert page.evaluate("() => indexedDB.databases()") == []
    page.goto(f"{live_server.url}/accounts/login/")  # a visitor's pages keep nothing either
    assert page.evaluate("() => caches.keys()") == []


def test_a_second_person_never_gets_the_first_ones_pages(live_server, page: Page, context: BrowserContext, alice,
                                                          bob, password):  # fmt: skip
    memo_services.memo_create(owner=alice, content="A private thought of zebras")
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")
    controlled(page)
    assert any("A private thought of zebras" in text for text in page.evaluate(CACHED_TEXTS))

    context.clear_cookies()  # her session ends without a sign-out (it expired)
    sign_in(page, live_server.url, bob.email, password)
    page.goto(f"{live_server.url}/memos/")
    gone = "return !texts.some((t) => t.includes('zebras')) && texts.some((t) => t.startsWith('quillium-pages-'));"
    page.wait_for_function(CACHED_TEXTS.replace("return texts;", gone))
    assert len({text.split(" ")[0] for text in page.evaluate(CACHED_TEXTS) if text.startswith("quillium-pages-")}) == 1

    context.set_offline(True)
    page.reload()
    expect(page.get_by_text("A private thought of zebras")).to_have_count(0)


def test_notes_written_and_ticked_offline_reach_the_server_once_and_a_conflict_loses_nothing(
    live_server, page: Page, context: BrowserContext, alice, password
):
    from memos.models import Memo, MemoRevision

    errands = memo_services.memo_create(owner=alice, content="Errands\n\n- [ ] bread\n- [ ] stamps")
    shared = memo_services.memo_create(owner=alice, content="Shared list\n\n- [ ] milk")
    on_the_timeline(page, live_server.url, alice.email, password)

    context.set_offline(True)
    for text in ("Written on the train", "And another one"):
        write(page, text)
        expect(page.locator("[data-pending]").filter(has_text=text)).to_be_visible()
    for memo in (errands, shared):
        box = page.locator(f'[data-memo="{memo.pk}"] button.task-box').first
        box.click()
        expect(box).to_have_attribute("aria-label", "Done")  # kept on the device (and shown) before going on

    page.reload()  # still offline: the page and the queue come back from the device
    expect(page.locator("[data-offline-banner]")).to_be_visible()
    expect(page.locator("[data-pending]")).to_have_count(2)
    expect(page.locator(f'[data-memo="{errands.pk}"] button.task-box').first).to_have_attribute("aria-label", "Done")
    assert Memo.objects.filter(owner=alice).count() == 2  # nothing reached the server yet

    edited = jwt_client(alice).patch(  # meanwhile, another device edits it through the API
        f"/api/v1/memos/{shared.pk}/",
        {"content": "Shared list\n\n- [ ] milk\n- [ ] eggs", "revision": 1},
        format="json",
    )
    assert edited.status_code == 200, edited.content

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    conflict = page.locator(f'[data-conflict="{shared.pk}"]')
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("- [x] milk")  # mine
    expect(conflict).to_contain_text("- [ ] eggs")  # theirs
    assert Memo.objects.get(content="Written on the train") and Memo.objects.get(content="And another one")
    errands.refresh_from_db()
    assert errands.content == "Errands\n\n- [x] bread\n- [ ] stamps" and errands.revision_count == 2
    assert MemoRevision.objects.filter(memo=errands).count() == 2

    conflict.get_by_role("button", name="Keep both").click()
    expect(page.locator("[data-conflicts]")).to_have_count(0)
    page.wait_for_function(NOTES_READY)
    shared.refresh_from_db()
    assert shared.content == "Shared list\n\n- [ ] milk\n- [ ] eggs"  # the server's, untouched
    assert Memo.objects.filter(owner=alice, content="Shared list\n\n- [x] milk").count() == 1  # and mine beside it
    assert Memo.objects.filter(owner=alice).count() == 5  # each offline memo exactly once
    for text in ("Written on the train", "And another one"):
        assert MemoRevision.objects.filter(memo__content=text).count() == 1


def test_a_downloaded_work_plays_and_seeks_offline_and_its_place_syncs_back(
    live_server, page: Page, context: BrowserContext, alice, password, tmp_path, settings
):
    from library.models import Playback
    from tests.e2e.test_player import AUDIO, scanned, still_playing

    work = scanned(tmp_path, settings, "RJ07654321 [Sea] Waves", ("01 shore", "02 deep"))
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{work.pk}/")
    controlled(page)
    page.get_by_role("button", name="Download for offline").click()
    expect(page.locator("[data-download-status]")).to_contain_text("Downloaded for offline")
    expect(page.get_by_role("button", name="Remove download")).to_be_visible()
    page.goto(f"{live_server.url}/library/mine/")  # every download of this device, with the space it takes
    shelf = page.locator("[data-downloads-list]")
    expect(shelf).to_contain_text(work.title)
    expect(shelf.locator("[data-downloads-total]")).to_contain_text("1 work,")
    page.goto(f"{live_server.url}/library/works/{work.pk}/")

    context.set_offline(True)
    page.reload()  # the page from the worker's cache, the audio from the download
    expect(page.locator("[data-offline-banner]")).to_be_visible()
    page.get_by_role("button", name="▶ 02 deep").click()
    still_playing(page, 0.3)
    page.evaluate(f"{AUDIO}.currentTime = 30")  # seek: a Range request answered from the stored file
    at = still_playing(page, 30.2)
    assert 30 < at < 39
    page.evaluate(f"{AUDIO}.pause()")  # pausing saves the place: offline, it waits on the device
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.startsWith('quillium-places-'))")
    assert not Playback.objects.filter(user=alice).exists()

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('quillium-places-'))) === '{}'"
    )
    playback = Playback.objects.get(user=alice, work=work)
    assert playback.track.title == "02 deep" and 30 < playback.position_seconds < 39

    page.get_by_role("button", name="Remove download").click()
    expect(page.get_by_role("button", name="Download for offline")).to_be_visible()
    stored = [text.split(" ")[:2] for text in page.evaluate(CACHED_TEXTS)]
    assert not [url for name, url in stored if name.startswith("quillium-audio-")]


def test_edits_pins_archives_and_attachments_made_offline_and_memos_written_elsewhere(
    live_server, page: Page, context: BrowserContext, alice, password, tmp_path
):
    from memos.models import Memo

    plan = memo_services.memo_create(owner=alice, content="Plan for Sunday")
    old = memo_services.memo_create(owner=alice, content="Old news")
    pin = memo_services.memo_create(owner=alice, content="Pin me")
    on_the_timeline(page, live_server.url, alice.email, password)
    elsewhere = memo_services.memo_create(owner=alice, content="Written on the laptop meanwhile")
    page.evaluate(
        "() => { delete document.documentElement.dataset.offlineNotes; window.dispatchEvent(new Event('online')); }"
    )
    page.wait_for_function(NOTES_READY)  # pulled, page as kept

    context.set_offline(True)
    page.reload()
    expect(page.locator(f'[data-device-copy="{elsewhere.pk}"]')).to_contain_text("Written on the laptop meanwhile")

    card = page.locator(f'[data-memo="{plan.pk}"]')
    card.locator("summary").click()
    card.get_by_role("link", name="Edit").click()
    card.get_by_role("textbox", name="Memo text").fill("Plan for Sunday: the sea")
    card.get_by_role("button", name="Save on this device").click()
    expect(card).to_contain_text("Plan for Sunday: the sea")
    for memo, action in ((old, "Archive"), (pin, "Pin")):
        actions = page.locator(f'[data-memo="{memo.pk}"]')
        actions.locator("summary").click()
        actions.get_by_role("button", name=action, exact=True).click()
    expect(page.locator(f'[data-memo="{old.pk}"]')).to_be_hidden()
    expect(page.locator(f'[data-memo="{pin.pk}"]')).to_have_class(re.compile(r"\bpinned\b"))
    note = tmp_path / "ticket.txt"
    note.write_text("platform 4")
    write(page, "Tickets, attached", attachment=str(note))
    expect(page.locator("[data-pending]")).to_contain_text("Tickets, attached")

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('[data-pending], .pending-change').length === 0")
    page.wait_for_load_state("networkidle")
    plan.refresh_from_db(), old.refresh_from_db(), pin.refresh_from_db()
    assert plan.content == "Plan for Sunday: the sea" and plan.revision_count == 2
    assert old.is_archived and pin.pinned
    tickets = Memo.objects.get(owner=alice, content="Tickets, attached")
    assert [resource.filename for resource in tickets.resources.all()] == ["ticket.txt"]

    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_label("Memos kept on this device").select_option("100")
    expect(page.locator("[data-offline-window-status]")).to_have_text("Saved on this device.")


def test_the_most_used_pages_open_offline_as_last_seen(live_server, page: Page, context: BrowserContext, alice,
                                                        password, tmp_path, settings):  # fmt: skip
    from tests.e2e.test_player import scanned

    work = scanned(tmp_path, settings, "RJ01112222 [Hill] Wind", ("01 breeze", "02 gust"))
    memo = memo_services.memo_create(owner=alice, content="A memo of its own page")
    pages = {
        f"/memos/{memo.pk}/": "A memo of its own page",
        "/memos/diary/": "",
        "/library/mine/": "",
        f"/library/works/{work.pk}/": "02 gust",
    }
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")
    controlled(page)
    seen = {}
    for path in pages:
        page.goto(live_server.url + path)
        seen[path] = page.title()

    context.set_offline(True)
    for path, text in pages.items():
        page.goto(live_server.url + path)
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        expect(page).to_have_title(seen[path])
        if text:
            expect(page.locator("main")).to_contain_text(text)


def test_changes_not_yet_sent_are_sent_from_any_page_and_signing_out_asks_first(
    live_server, page: Page, context: BrowserContext, alice, bob, password
):
    from memos.models import Memo

    on_the_timeline(page, live_server.url, alice.email, password)
    context.set_offline(True)
    write(page, "Sent from the settings page")
    expect(page.locator("[data-pending]")).to_have_count(1)

    page.route("**/api/v1/sync/", lambda route: route.abort())  # the server can't take it yet
    context.set_offline(False)
    page.goto(f"{live_server.url}/accounts/settings/")
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_timeout(500)
    assert questions and "1 change made offline has not been sent yet" in questions[0]
    assert page.url.endswith("/accounts/settings/")  # still signed in, the change still waiting

    page.unroute("**/api/v1/sync/")
    page.reload()  # any signed-in page sends what waits
    page.wait_for_function(NOTES_READY)
    assert Memo.objects.filter(owner=alice, content="Sent from the settings page").count() == 1
    page.get_by_role("button", name="Sign out", exact=True).click()  # nothing waits: no question
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("() => indexedDB.databases()") == []

    sign_in(page, live_server.url, bob.email, password)  # the next person on this browser finds nothing of hers
    page.goto(f"{live_server.url}/memos/")
    page.wait_for_function(NOTES_READY)
    names = [database["name"] for database in page.evaluate("() => indexedDB.databases()")]
    assert len(names) == 1 and names[0].startswith("quillium-notes-")
