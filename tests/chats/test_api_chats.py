import json
from zoneinfo import ZoneInfo

import pytest

from chats.models import Chat, Folder
from chats.services import chat_create, folder_create
from tests.chats.factories import MessageFactory

pytestmark = pytest.mark.django_db

CHATS = "/api/v1/chats/"


def test_create_rename_pin_and_delete_a_chat(alice_api, alice):
    created = alice_api.post(CHATS, {"title": "Plans", "model": "fake-large", "system_prompt": "Be brief."})
    chat_id = created.json()["id"]

    renamed = alice_api.patch(f"{CHATS}{chat_id}/", {"title": "Holiday plans", "pinned": True})

    assert renamed.status_code == 200
    chat = Chat.objects.get(pk=chat_id)
    assert (chat.title, chat.title_source, chat.pinned, chat.model) == ("Holiday plans", "manual", True, "fake-large")
    assert alice_api.delete(f"{CHATS}{chat_id}/").status_code == 204
    assert not Chat.objects.filter(pk=chat_id).exists()


def test_a_blank_rename_is_a_400(alice_api, alice):
    chat = chat_create(owner=alice, title="Keep me")

    assert alice_api.patch(f"{CHATS}{chat.pk}/", {"title": "  "}).status_code == 400
    chat.refresh_from_db()
    assert chat.title == "Keep me"


def test_search_finds_titles_and_message_text(alice_api, alice, bob):
    by_title = chat_create(owner=alice, title="Quarterly numbers")
    by_text = chat_create(owner=alice, title="Misc")
    MessageFactory(chat=by_text, content="the QUARTERLY review went well")
    chat_create(owner=alice, title="Other")
    bobs = chat_create(owner=bob, title="Quarterly for bob")

    found = {item["id"] for item in alice_api.get(f"{CHATS}?search=quarterly").json()["results"]}

    assert found == {by_title.pk, by_text.pk}
    assert bobs.pk not in found


def test_pinned_chats_come_first(alice_api, alice):
    older = chat_create(owner=alice, title="Pinned", pinned=True)
    chat_create(owner=alice, title="Newer")

    assert alice_api.get(CHATS).json()["results"][0]["id"] == older.pk


def test_chats_are_filed_in_folders_of_their_owner_only(alice_api, alice, bob):
    folder_id = alice_api.post("/api/v1/chat-folders/", {"name": "Work"}).json()["id"]
    bobs_folder = folder_create(owner=bob, name="Bob's")
    chat = chat_create(owner=alice)

    assert alice_api.patch(f"{CHATS}{chat.pk}/", {"folder": folder_id}).status_code == 200
    assert alice_api.patch(f"{CHATS}{chat.pk}/", {"folder": bobs_folder.pk}).status_code == 400
    assert [item["id"] for item in alice_api.get(f"{CHATS}?folder={folder_id}").json()["results"]] == [chat.pk]
    assert alice_api.post("/api/v1/chat-folders/", {"name": "Work"}).status_code == 400
    alice_api.delete(f"/api/v1/chat-folders/{folder_id}/")
    chat.refresh_from_db()
    assert chat.folder is None
    assert Folder.objects.filter(pk=bobs_folder.pk).exists()


def test_another_users_chats_are_404(alice_api, bob):
    bobs = chat_create(owner=bob, title="Private")

    assert alice_api.get(f"{CHATS}{bobs.pk}/").status_code == 404
    assert alice_api.patch(f"{CHATS}{bobs.pk}/", {"title": "Mine now"}).status_code == 404
    assert alice_api.delete(f"{CHATS}{bobs.pk}/").status_code == 404
    assert alice_api.get(CHATS).json()["count"] == 0
    assert Chat.objects.get(pk=bobs.pk).title == "Private"


def test_export_as_markdown_and_json(alice_api, alice):
    chat = chat_create(owner=alice, title="Quills", system_prompt="Be kind.")
    MessageFactory(chat=chat, role="user", content="What is a quill?")
    MessageFactory(chat=chat, role="assistant", content="A **feather** pen.", model="fake-small")

    markdown = alice_api.get(f"{CHATS}{chat.pk}/export/")
    as_json = alice_api.get(f"{CHATS}{chat.pk}/export/?as=json")

    assert markdown["Content-Disposition"] == 'attachment; filename="quills.md"'
    text = markdown.content.decode()
    assert text.startswith("# Quills")
    assert "## You · " in text and "\n\nWhat is a quill?" in text and "\n\nA **feather** pen." in text
    assert "## fake-small · " in text
    data = json.loads(as_json.content)
    assert [m["content"] for m in data["messages"]] == ["What is a quill?", "A **feather** pen."]


def test_export_is_in_the_owners_time_zone_and_names_the_model_that_answered(alice_api, alice):
    from accounts.services import user_settings_for, user_settings_update

    user_settings_update(user_settings_for(alice), timezone="Asia/Tokyo")
    chat = chat_create(owner=alice, title="Ink")  # no model chosen: the configured default answered
    asked = MessageFactory(chat=chat, role="user", content="Ink?")
    MessageFactory(chat=chat, role="assistant", content="Yes.", model="llama3:8b")

    text = alice_api.get(f"{CHATS}{chat.pk}/export/").content.decode()
    data = json.loads(alice_api.get(f"{CHATS}{chat.pk}/export/?as=json").content)

    tokyo = asked.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"_Model: llama3:8b · started {chat.created_at.astimezone(ZoneInfo('Asia/Tokyo')):%Y-%m-%d %H:%M}" in text
    assert "Asia/Tokyo_" in text and f"## You · {tokyo:%H:%M}" in text and "default" not in text
    assert data["models_used"] == ["llama3:8b"] and data["time_zone"] == "Asia/Tokyo"
    assert data["messages"][0]["created_at"].endswith("+09:00")
    assert alice_api.get(f"{CHATS}{chat.pk}/export/?as=pdf").status_code == 400


def test_chat_list_takes_the_same_queries_for_2_or_20_chats(alice_api, alice, django_assert_num_queries):
    for count in (2, 20):
        Chat.objects.all().delete()
        for number in range(count):
            MessageFactory(chat=chat_create(owner=alice, title=f"c{number}"))
        # user of the token, count, page of chats with message counts
        with django_assert_num_queries(3):
            response = alice_api.get(CHATS)
        assert response.json()["count"] == count
