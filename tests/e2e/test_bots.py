"""A person makes a bot, writes a memo tagged for it, and watches the bot's reply appear under the memo."""

import threading

import pytest
from django.db import connections
from playwright.sync_api import Page, expect

from memos.models import Memo
from quillium_site.management.commands.worker import ResilientWorker
from tests.e2e.helpers import sign_in


def run_worker_once() -> None:
    """`manage.py worker --batch`, in a thread of its own (Playwright's event loop owns this one)."""
    worker = ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id="e2e", excluded_queue_names=[])  # fmt: skip

    def work() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_tagged_memo_gets_the_bots_reply(live_server, page: Page, alice, password, fake_llm):
    fake_llm.script(reply="Roses love the **morning** sun.")
    sign_in(page, live_server.url, alice.email, password)

    page.goto(f"{live_server.url}/bots/")
    page.get_by_label("Name").fill("Sage")
    page.get_by_label("Tags").fill("garden")
    page.get_by_role("button", name="Create bot").click()
    expect(page.get_by_text("Sage is ready")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Memos").click()
    page.get_by_placeholder("Write in Markdown").fill("Where should the roses go? #garden")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Memo saved.")).to_be_visible()
    memo = Memo.objects.get(owner=alice)
    page.goto(f"{live_server.url}{memo.get_absolute_url()}")
    expect(page.locator(".bot-thread")).to_be_visible()

    # The worker runs the queued tasks (react to the memo, write the reply) while the page waits for them.
    run_worker_once()

    reply = page.get_by_test_id("bot-reply")
    expect(reply).to_contain_text("Roses love the morning sun.", timeout=10000)
    expect(reply.locator(".markdown strong")).to_have_text("morning")  # rendered Markdown
    expect(reply).to_contain_text("Sage")
