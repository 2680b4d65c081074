"""On a phone the chat shows the conversation first, the list in a drawer, and the message box never covers the last
message; every control on a page is reached by Tab with a visible focus; the player answers keys."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from ai.client import Usage
from chats import services as chats
from library import scanner
from library.models import Work
from tests.e2e.helpers import sign_in
from tests.library.disk import wav

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}


def a_long_chat(owner) -> int:
    chat = chats.chat_create(owner=owner, title="Dinner")
    for n in range(10):
        _question, reply = chats.message_send(chat, f"Question {n}: " + "what shall we cook? " * 15)
        chats.reply_finish(reply, content=f"Answer {n}. " + "Noodles. " * 60, usage=Usage(5, 9), model="m")
    chats.chat_create(owner=owner, title="Holiday")
    return chat.pk


def test_on_a_phone_the_conversation_comes_first_and_the_list_is_a_drawer(
    live_server, browser: Browser, alice, password, fake_llm
):
    pk = a_long_chat(alice)
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, live_server.url, alice.email, password)

    page.goto(f"{live_server.url}/chats/{pk}/")

    sidebar = page.get_by_role("complementary", name="Chats")
    expect(sidebar).to_be_hidden()
    last = page.locator(".messages-list > li").last
    expect(last).to_contain_text("Answer 9.")
    expect(last).to_be_in_viewport()
    last_bottom = last.bounding_box()["y"] + last.bounding_box()["height"]
    composer_top = page.locator(".composer").bounding_box()["y"]
    assert last_bottom <= composer_top + 1, (last_bottom, composer_top)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    page.get_by_test_id("chat-drawer").tap()
    expect(sidebar).to_be_visible()
    expect(sidebar.get_by_role("link", name="Holiday")).to_be_in_viewport()
    sidebar.get_by_text("Close").tap()
    expect(sidebar).to_be_hidden()

    # The same drawer from the keyboard: Tab reaches its switch and Space opens it.
    page.locator("#chat-drawer").focus()
    page.keyboard.press("Space")
    expect(sidebar).to_be_visible()


def test_on_a_desktop_the_list_stays_beside_the_conversation(live_server, page: Page, alice, password, fake_llm):
    pk = a_long_chat(alice)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, alice.email, password)

    page.goto(f"{live_server.url}/chats/{pk}/")

    sidebar = page.get_by_role("complementary", name="Chats")
    expect(sidebar).to_be_visible()
    expect(page.get_by_test_id("chat-drawer")).to_be_hidden()
    assert sidebar.bounding_box()["x"] < page.locator(".chat").bounding_box()["x"]


FOCUS_STOPS = """() => {
  const el = document.activeElement;
  const shown = (node) => {
    const style = getComputedStyle(node);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  };
  const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
  const name = (el.innerText || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40);
  return {tag: el.tagName.toLowerCase(), name, visible: shown(el) || (label !== null && shown(label))};
}"""


@pytest.mark.parametrize("path", ["/memos/", "/chats/", "/library/", "/accounts/settings/"])
def test_tab_reaches_every_control_and_shows_where_it_is(live_server, page: Page, alice, password, path):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + path)
    controls = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
            .filter((el) => el.checkVisibility() && !el.disabled && el.tabIndex >= 0).length"""
    )

    stops, hidden_focus = [], []
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOPS)
        if stop["tag"] == "body":
            break
        stops.append(stop)
        if not stop["visible"]:
            hidden_focus.append(stop)

    assert len(stops) >= controls, (len(stops), controls)
    assert hidden_focus == []


def test_the_player_answers_keys(live_server, page: Page, alice, password, tmp_path, settings):
    settings.LIBRARY_ROOTS = {"voice": str(tmp_path / "voice")}
    folder = tmp_path / "voice" / "RJ07654321 Rain"
    wav(folder / "01 intro.wav", seconds=30.0)
    wav(folder / "02 rain.wav", seconds=30.0)
    scanner.scan()
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/library/works/{Work.objects.get().pk}/")
    audio = page.locator("#mini-player audio")

    page.keyboard.press("k")
    page.wait_for_function("!document.querySelector('#mini-player audio').paused")
    page.keyboard.press("l")
    page.wait_for_function("document.querySelector('#mini-player audio').currentTime >= 10")
    page.keyboard.press("k")
    page.wait_for_function("document.querySelector('#mini-player audio').paused")
    page.keyboard.press("j")
    assert audio.evaluate("a => a.currentTime") < 10
    page.keyboard.press("n")
    expect(page.get_by_test_id("now-playing")).to_have_text("02 rain")
    page.keyboard.press("p")
    expect(page.get_by_test_id("now-playing")).to_have_text("01 intro")

    page.get_by_label("Review").press("n")  # typing a review is typing, not a key for the player
    expect(page.get_by_test_id("now-playing")).to_have_text("01 intro")
    # Stop the audio and let its last save finish before the database is flushed for the next test.
    page.evaluate("document.querySelector('#mini-player audio').pause()")
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
