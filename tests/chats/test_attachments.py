"""Files attached in the message box: images to models that read them, text/Markdown/PDF as context, limits and
refusals with reasons, owner-only downloads, and the files gone with the chat or the user."""

import base64
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import site_settings
from accounts.services import user_delete
from ai.models import AIConfig
from ai.services import forget_endpoints
from chats import services
from chats.models import ChatFile, Message
from tests.chats.files import pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def chat(alice):
    return services.chat_create(owner=alice, title="Files")


@pytest.fixture
def vision(fake_llm):
    AIConfig.objects.filter(key="chat").update(vision=True)
    forget_endpoints()
    return fake_llm


def attach(client, chat, name, data, content_type="application/octet-stream"):
    return client.post(
        f"/api/v1/chats/{chat.pk}/files/", {"file": SimpleUploadedFile(name, data, content_type)}, format="multipart"
    )


def send(client, chat, content, files):
    return client.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": content, "files": files}, format="json")


def last_question(fake_llm):
    return fake_llm.requests[-1]["body"]["messages"][-1]


def test_an_image_reaches_a_vision_model_as_an_image_part(alice_api, chat, vision):
    image = png()
    uploaded = attach(alice_api, chat, "cat.png", image, "image/png")
    assert uploaded.status_code == 201, uploaded.content
    assert (uploaded.json()["kind"], uploaded.json()["mime_type"], uploaded.json()["message"]) == (
        "image", "image/png", None
    )  # fmt: skip

    response = send(alice_api, chat, "What is this?", [uploaded.json()["id"]])

    assert response.status_code == 201, response.content
    text, picture = last_question(vision)["content"]
    assert text == {"type": "text", "text": "What is this?"}
    assert picture["type"] == "image_url"
    assert picture["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(image).decode()
    question = Message.objects.get(pk=response.json()["question"]["id"])
    assert [f.filename for f in question.files.all()] == ["cat.png"]


def test_an_image_for_a_model_that_reads_none_is_refused_with_what_to_do(alice_api, chat, fake_llm):
    response = attach(alice_api, chat, "cat.png", png(), "image/png")

    assert response.status_code == 400
    assert "doesn't read images" in response.json()["errors"]["file"][0]
    assert not ChatFile.objects.exists()


def test_text_markdown_and_pdf_files_go_along_as_context(alice_api, chat, fake_llm):
    notes = attach(alice_api, chat, "notes.md", "# 羽根ペン\n\nA quill is a pen.".encode(), "text/markdown")
    paper = attach(alice_api, chat, "paper.pdf", pdf("Quills were cut from goose feathers"), "application/pdf")
    assert (notes.status_code, paper.status_code) == (201, 201), (notes.content, paper.content)
    assert paper.json()["kind"] == "pdf"

    send(alice_api, chat, "Summarise these.", [notes.json()["id"], paper.json()["id"]])

    content = last_question(fake_llm)["content"]
    assert content.startswith("Summarise these.")
    assert '<file name="notes.md">\n# 羽根ペン\n\nA quill is a pen.\n</file>' in content
    assert '<file name="paper.pdf">\nQuills were cut from goose feathers\n</file>' in content
    # Later turns still carry them: the conversation is sent whole.
    send(alice_api, chat, "And the second?", [])
    assert "goose feathers" in fake_llm.requests[-1]["body"]["messages"][0]["content"]


def test_a_long_text_is_cut_at_the_sites_limit_and_says_so(alice_api, chat, fake_llm):
    site_settings.set_value("chat_file_max_chars", 1000)
    response = attach(alice_api, chat, "long.txt", ("word " * 1000).encode(), "text/plain")

    assert (response.status_code, response.json()["text_chars"], response.json()["truncated"]) == (201, 1000, True)
    send(alice_api, chat, "", [response.json()["id"]])  # a file alone is a message
    assert "[… cut here: the file is longer]" in last_question(fake_llm)["content"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 200, "Chats read images (PNG, JPEG, GIF, WebP)"),
        ("old.txt", "羽根ペン".encode("shift_jis") + b"\xff\xfe\xfd", "is not UTF-8 text"),
        ("broken.pdf", b"%PDF-1.4\nnot really a pdf\n", "could not be read as a PDF"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_files_chats_cant_use_are_refused_with_the_reason(alice_api, chat, fake_llm, name, data, reason):
    response = attach(alice_api, chat, name, data)

    assert response.status_code == 400
    assert reason in " ".join(response.json()["errors"]["file"])
    assert not ChatFile.objects.exists()


def test_the_size_limit_comes_from_the_site_settings(alice_api, chat, fake_llm):
    site_settings.set_value("upload_max_bytes", 2048)

    response = attach(alice_api, chat, "big.txt", b"a" * 3000, "text/plain")

    assert response.status_code == 400
    assert "at most 2,048 bytes" in response.json()["errors"]["file"][0]


def test_another_users_chat_and_files_are_invisible(alice_api, bob_api, bob, chat, fake_llm, client):
    mine = attach(alice_api, chat, "notes.txt", b"private words", "text/plain").json()
    bobs_chat = services.chat_create(owner=bob, title="Bob's")

    assert attach(bob_api, chat, "x.txt", b"hello", "text/plain").status_code == 404
    assert bob_api.delete(f"/api/v1/chats/{chat.pk}/files/{mine['id']}/").status_code == 404
    refused = send(bob_api, bobs_chat, "steal", [mine["id"]])
    assert refused.status_code == 400
    assert "not one of this chat's unsent files" in refused.json()["errors"]["files"][0]
    client.force_login(bob)
    assert client.get(mine["url"]).status_code == 404


def test_the_owner_downloads_a_file_safely(alice_api, alice, chat, fake_llm, client):
    data = attach(alice_api, chat, "notes.txt", b"my words", "text/plain").json()
    client.force_login(alice)

    response = client.get(data["url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"my words"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_an_unsent_file_can_be_taken_back_but_a_sent_one_stays(alice_api, chat, fake_llm, media_root):
    kept = attach(alice_api, chat, "a.txt", b"alpha", "text/plain").json()
    dropped = attach(alice_api, chat, "b.txt", b"beta", "text/plain").json()
    send(alice_api, chat, "Read a", [kept["id"]])

    assert alice_api.delete(f"/api/v1/chats/{chat.pk}/files/{dropped['id']}/").status_code == 204
    assert alice_api.delete(f"/api/v1/chats/{chat.pk}/files/{kept['id']}/").status_code == 409
    assert list(ChatFile.objects.values_list("filename", flat=True)) == ["a.txt"]
    assert send(alice_api, chat, "again", [kept["id"]]).status_code == 400  # sent once, with its question


def test_an_edited_question_is_asked_with_the_same_files(alice_api, chat, fake_llm):
    data = attach(alice_api, chat, "a.txt", b"alpha facts", "text/plain").json()
    question = send(alice_api, chat, "Read it", [data["id"]]).json()["question"]

    response = alice_api.post(
        f"/api/v1/chats/{chat.pk}/messages/{question['id']}/edit/", {"content": "Read it slowly"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert '<file name="a.txt">\nalpha facts\n</file>' in last_question(fake_llm)["content"]
    listed = alice_api.get(f"/api/v1/chats/{chat.pk}/messages/").json()["results"]
    assert [f["filename"] for f in listed[0]["files"]] == ["a.txt"]


def test_the_files_go_with_the_chat(alice_api, chat, fake_llm, media_root, django_capture_on_commit_callbacks):
    data = attach(alice_api, chat, "a.txt", b"alpha", "text/plain").json()
    stored = ChatFile.objects.get(pk=data["id"]).file.path
    assert os.path.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/v1/chats/{chat.pk}/").status_code == 204

    assert not os.path.exists(stored)
    assert not ChatFile.objects.exists()


def test_the_files_go_with_the_user(alice, chat, fake_llm, django_capture_on_commit_callbacks):
    attachment = services.chat_file_add(chat, SimpleUploadedFile("a.txt", b"alpha", "text/plain"))
    stored = attachment.file.path

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(alice)

    assert not os.path.exists(stored)


def test_without_javascript_the_form_sends_its_files(client, alice, chat, fake_llm):
    client.force_login(alice)
    upload = SimpleUploadedFile("notes.md", b"# Quills\n\nFeathers.", "text/markdown")

    response = client.post(f"/chats/{chat.pk}/send/", {"content": "What do my notes say?", "files": [upload]})

    assert response.status_code == 302
    question = Message.objects.get(chat=chat, role="user")
    assert [f.filename for f in question.files.all()] == ["notes.md"]
    assert "Feathers." in last_question(fake_llm)["content"]
    page = client.get(f"/chats/{chat.pk}/").content.decode()
    assert "notes.md" in page and f"/chats/{chat.pk}/files/" in page


def test_without_javascript_a_refused_file_is_a_form_error_and_nothing_is_kept(client, alice, chat, fake_llm):
    client.force_login(alice)
    good = SimpleUploadedFile("notes.md", b"fine", "text/markdown")
    bad = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 300, "application/octet-stream")

    response = client.post(f"/chats/{chat.pk}/send/", {"content": "Read these", "files": [good, bad]})

    assert response.status_code == 400
    assert "Chats read images" in response.content.decode()
    assert not Message.objects.filter(chat=chat).exists()
    assert not ChatFile.objects.exists()
