"""A person sends a message and watches the reply stream in, piece by piece."""

import pytest
from playwright.sync_api import Page, expect

from chats.models import Message
from chats.services import chat_create
from tests.e2e.helpers import sign_in


@pytest.mark.django_db(transaction=True)
def test_the_reply_streams_into_the_page(asgi_server, page: Page, alice, password, fake_llm):
    # The ASGI server, as `make run` serves it: the WSGI live_server would buffer the whole stream.
    words = ["Quills", " are", " feather", " pens", " used", " for", " **writing**."]
    fake_llm.script(pieces=words, delay=0.4)
    chat = chat_create(owner=alice, title="Pens")
    sign_in(page, asgi_server, alice.email, password)

    page.goto(f"{asgi_server}{chat.get_absolute_url()}")
    page.get_by_placeholder("Ask anything").fill("What are quills?")
    page.get_by_role("button", name="Send").click()

    streaming = page.locator(".bubble.assistant.streaming .body")
    expect(streaming).to_contain_text("Quills are", timeout=5000)
    partial = streaming.inner_text()
    assert "writing" not in partial  # the start is on screen before the provider has finished
    expect(page.get_by_role("button", name="Stop")).to_be_visible()

    done = page.locator('.bubble.assistant[data-status="complete"]')
    expect(done).to_contain_text("Quills are feather pens used for writing.", timeout=10000)
    expect(done.locator("strong")).to_have_text("writing")  # swapped for the server-rendered Markdown
    expect(page.locator('.bubble.user[data-status="complete"]')).to_contain_text("What are quills?")
    expect(page.get_by_placeholder("Ask anything")).to_have_value("")
    assert Message.objects.get(chat=chat, role="assistant").status == "complete"


@pytest.mark.django_db(transaction=True)
def test_stop_works_before_the_first_word(asgi_server, page: Page, alice, password, fake_llm):
    from ai.models import AIConfig
    from ai.services import forget_endpoints

    AIConfig.objects.filter(key="chat").update(timeout_seconds=60)
    forget_endpoints()
    fake_llm.script(hang=True)  # the provider takes the request and says nothing
    chat = chat_create(owner=alice, title="Silence")
    sign_in(page, asgi_server, alice.email, password)

    page.goto(f"{asgi_server}{chat.get_absolute_url()}")
    held = []  # the message's request, kept from the server until the stop has reached it: a Stop pressed before
    page.route("**/messages/", lambda route: held.append(route))  # the server has the reply must still stop it
    page.get_by_placeholder("Ask anything").fill("Are you there?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_function("() => true")  # lets the route handler run
    assert len(held) == 1
    with page.expect_response("**/stop/") as stopped:
        page.get_by_role("button", name="Stop").click()
    assert stopped.value.ok
    held[0].continue_()

    # Well inside the provider's 60 s timeout (the runner notices a stop within half a second; the rest is the page
    # on a machine the parallel suite keeps busy).
    expect(page.locator('.bubble.assistant[data-status="stopped"]')).to_be_visible(timeout=10000)
    expect(page.get_by_role("button", name="Stop")).to_be_hidden()
    assert fake_llm.hangups  # the provider request was closed, not left to time out
    assert Message.objects.get(chat=chat, role="assistant").status == "stopped"


@pytest.mark.django_db(transaction=True)
def test_a_new_chat_from_the_first_message_with_its_title_arriving_live(asgi_server, page: Page, alice, password,
                                                                        fake_llm):  # fmt: skip
    from chats.models import Chat
    from tests.e2e.test_bots import run_worker_once

    fake_llm.script(reply="Roses in spring", delay=0.05)
    sign_in(page, asgi_server, alice.email, password)
    page.goto(f"{asgi_server}/chats/new/")
    assert not Chat.objects.exists()

    box = page.get_by_placeholder("Ask anything")
    box.fill("When do roses bloom?")
    box.press("Shift+Enter")  # a new line, not a send
    box.type("And where?")
    assert box.input_value() == "When do roses bloom?\nAnd where?"
    box.press("Enter")

    expect(box).to_have_value("")  # cleared as it is sent
    expect(page.locator('.bubble.assistant[data-status="complete"]')).to_contain_text("Roses in spring", timeout=10000)
    chat = Chat.objects.get(owner=alice)
    assert page.url.endswith(chat.get_absolute_url())
    assert chat.messages.first().content == "When do roses bloom?\nAnd where?"
    expect(page.locator(f'[data-chat-link="{chat.pk}"]')).to_be_visible()

    run_worker_once()  # writes the title in the background

    expect(page.get_by_test_id("chat-title")).to_contain_text("Roses in spring", timeout=10000)
    expect(page.locator(f'[data-chat-link="{chat.pk}"]')).to_have_text("Roses in spring")


@pytest.mark.django_db(transaction=True)
def test_regenerate_keeps_versions_and_a_question_can_be_edited(asgi_server, page: Page, alice, password, fake_llm):
    chat = chat_create(owner=alice, title="Versions")
    sign_in(page, asgi_server, alice.email, password)
    page.goto(f"{asgi_server}{chat.get_absolute_url()}")
    fake_llm.script(reply="Answer one.")
    page.get_by_placeholder("Ask anything").fill("Tell me")
    page.get_by_role("button", name="Send").click()
    expect(page.locator('.bubble.assistant[data-status="complete"]')).to_contain_text("Answer one.")

    fake_llm.script(reply="Answer two.")
    page.get_by_role("button", name="Regenerate").click()
    reply = page.locator('.bubble.assistant[data-status="complete"]')
    expect(reply).to_contain_text("Answer two.")
    expect(reply.get_by_test_id("versions")).to_contain_text("2/2")
    reply.get_by_title("Previous version").click()
    expect(page.locator(".bubble.assistant")).to_contain_text("Answer one.")
    expect(page.locator(".bubble.assistant").get_by_test_id("versions")).to_contain_text("1/2")

    fake_llm.script(reply="Answer to the edit.")
    question = page.locator(".bubble.user")
    question.get_by_text("Edit", exact=True).click()
    question.get_by_label("Edited question").fill("Tell me more")
    question.get_by_role("button", name="Send edited").click()
    expect(page.locator('.bubble.assistant[data-status="complete"]')).to_contain_text("Answer to the edit.")
    expect(page.locator(".bubble.user")).to_have_count(1)
    expect(page.locator(".bubble.user")).to_contain_text("Tell me more")
    expect(page.locator(".bubble.user").get_by_test_id("versions")).to_contain_text("2/2")
