"""A person attaches a picture in the message box and the model is sent it as an image."""

import base64

import pytest
from playwright.sync_api import Page, expect

from ai.models import AIConfig
from ai.services import forget_endpoints
from chats.models import ChatFile
from chats.services import chat_create
from tests.chats.files import png
from tests.e2e.helpers import sign_in


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db(transaction=True)
def test_an_attached_image_reaches_the_provider_as_an_image_part(asgi_server, page: Page, alice, password, fake_llm):
    AIConfig.objects.filter(key="chat").update(vision=True)
    forget_endpoints()
    fake_llm.script(pieces=["A teal", " square."])
    chat = chat_create(owner=alice, title="Pictures")
    sign_in(page, asgi_server, alice.email, password)
    page.goto(f"{asgi_server}{chat.get_absolute_url()}")

    image = png()
    page.locator("[data-attach]").set_input_files({"name": "square.png", "mimeType": "image/png", "buffer": image})
    expect(page.locator("[data-pending-files] [data-file-id]")).to_contain_text("square.png")
    page.get_by_placeholder("Ask anything").fill("What is in the picture?")
    page.get_by_role("button", name="Send").click()

    expect(page.locator('.bubble.assistant[data-status="complete"]')).to_contain_text("A teal square.", timeout=10000)
    expect(page.locator(".bubble.user [data-testid=message-files] img")).to_have_attribute("alt", "square.png")
    expect(page.locator("[data-pending-files] li")).to_have_count(0)
    question = fake_llm.requests[-1]["body"]["messages"][-1]
    assert question["content"][0] == {"type": "text", "text": "What is in the picture?"}
    assert question["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64," + base64.b64encode(image).decode()},
    }
    assert ChatFile.objects.get().message.content == "What is in the picture?"


@pytest.mark.django_db(transaction=True)
def test_a_file_chats_cant_read_is_refused_in_words(asgi_server, page: Page, alice, password, fake_llm):
    chat = chat_create(owner=alice, title="Files")
    sign_in(page, asgi_server, alice.email, password)
    page.goto(f"{asgi_server}{chat.get_absolute_url()}")

    page.locator("[data-attach]").set_input_files(
        {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00" + b"\x00" * 300}
    )

    expect(page.locator("[data-notice]")).to_contain_text("tool.exe: Chats read images")
    expect(page.locator("[data-pending-files] li")).to_have_count(0)
