"""A person writes a memo with a tag, then finds it through the tag and through search."""

import pytest
from playwright.sync_api import Page, expect

from memos.models import Memo
from tests.e2e.helpers import sign_in


@pytest.mark.django_db(transaction=True)
def test_write_a_memo_and_find_it(live_server, page: Page, alice, password):
    sign_in(page, live_server.url, alice.email, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Memos").click()

    page.get_by_placeholder("Write in Markdown").fill("# Quarterly report\nNumbers look **good** #work")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Memo saved.")).to_be_visible()
    card = page.locator(".memo-card").first
    expect(card.locator("h1")).to_have_text("Quarterly report")
    page.get_by_role("link", name="#work").first.click()
    expect(page.get_by_text("Memos tagged #work")).to_be_visible()

    page.get_by_label("Search memos").fill("quarterly")
    page.get_by_label("Search memos").press("Enter")
    expect(page.locator(".search-hit mark").first).to_have_text("Quarterly")
    page.locator(".search-hit a").first.click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert Memo.objects.get(owner=alice).tags == ["work"]


@pytest.mark.django_db(transaction=True)
def test_tick_a_task_on_the_timeline_without_reloading_and_with_the_keyboard(live_server, page: Page, alice, password):
    from memos.notes.services import memo_create

    memo = memo_create(owner=alice, content="Errands\n\n- [ ] bread\n- [ ] stamps")
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")
    page.evaluate("window.notReloaded = true")
    card = page.locator(f'[data-memo="{memo.pk}"]')
    expect(card.locator(".tasks-done")).to_have_text("0/2 done")

    card.get_by_role("checkbox", name="To do").first.click()

    expect(card.get_by_role("checkbox", name="Done")).to_have_count(1)
    expect(card.locator(".tasks-done")).to_have_text("1/2 done")
    # the focus stays on the box just ticked, so Space ticks it back
    page.keyboard.press("Space")
    expect(card.get_by_role("checkbox", name="Done")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    memo.refresh_from_db()
    assert memo.revision_count == 3 and "- [ ] bread" in memo.content


@pytest.mark.django_db(transaction=True)
def test_from_the_timeline_edit_in_place_pin_and_copy_a_link(live_server, browser, alice, password):
    from memos.notes.services import memo_create

    memo = memo_create(owner=alice, content="Trip to Kyoto")
    memo_create(owner=alice, content="Newer memo")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")
    page.evaluate("window.notReloaded = true")
    card = page.locator(f'[data-memo="{memo.pk}"]')

    card.get_by_title("Actions").click()
    card.get_by_role("link", name="Edit").click()
    card.get_by_label("Text").fill("Trip to Kyoto and Nara")
    card.get_by_role("button", name="Save changes").click()
    expect(page.locator(f'[data-memo="{memo.pk}"] .markdown')).to_have_text("Trip to Kyoto and Nara")
    assert page.evaluate("window.notReloaded") is True

    card = page.locator(f'[data-memo="{memo.pk}"]')
    card.locator("summary").click()
    card.get_by_role("link", name="Copy link").click()
    expect(card.get_by_role("link", name="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/memos/{memo.pk}/"

    card.get_by_role("button", name="Pin").click()
    expect(page.locator(".memo-card").first).to_have_attribute("data-memo", str(memo.pk))
    expect(page.locator(".memo-card").first).to_have_class("memo-card pinned")
    memo.refresh_from_db()
    assert memo.pinned and memo.revision_count == 2


@pytest.mark.django_db(transaction=True)
def test_share_a_memo_publicly_and_read_it_signed_out(live_server, browser, alice, password):
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/memos/")
    page.get_by_placeholder("Write in Markdown").fill("Lantern festival tonight\n\n- [ ] bring tea")
    page.get_by_label("Who can read it").select_option("public")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Memo saved.")).to_be_visible()
    memo = Memo.objects.get(owner=alice)
    assert memo.visibility == "public"
    page.goto(f"{live_server.url}/memos/{memo.pk}/")
    public_url = page.get_by_role("link", name="Public link").get_attribute("href")

    stranger = browser.new_context().new_page()
    stranger.goto(live_server.url + public_url)

    expect(stranger.locator(".markdown")).to_contain_text("Lantern festival tonight")
    expect(stranger.get_by_role("img", name="To do")).to_be_visible()  # a box that shows, not one that ticks
    expect(stranger.get_by_role("checkbox")).to_have_count(0)
    expect(stranger.get_by_role("textbox", name="Text")).to_have_count(0)
    expect(stranger.get_by_role("link", name="Sign in")).to_be_visible()
