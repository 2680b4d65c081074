import logging
import time

import pytest
from django.db import connection

from accounts import site_settings
from ai.client import Usage
from ai.models import AIConfig, TokenUsage
from ai.services import ai_config_save, usage_record
from chats.models import Chat, Message
from chats.services import chat_create
from tests.conftest import FAKE_PROVIDER_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(alice):
    return chat_create(owner=alice, system_prompt="You are terse.")


def send(client, chat, content="What is a quill?"):
    return client.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": content})


def test_a_message_gets_a_saved_reply_with_the_providers_token_counts(alice_api, chat, fake_llm):
    fake_llm.script(reply="A feather pen.")

    response = send(alice_api, chat)

    assert response.status_code == 201
    reply = Message.objects.get(pk=response.json()["reply"]["id"])
    assert (reply.role, reply.status, reply.content) == ("assistant", "complete", "A feather pen.")
    assert (reply.tokens, reply.tokens_estimated) == (3, False)
    assert reply.prompt_tokens == 7  # "You are terse." + "What is a quill?" in words
    sent = fake_llm.requests[-1]["body"]["messages"]
    assert sent == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is a quill?"},
    ]
    assert fake_llm.requests[-1]["authorization"] == f"Bearer {FAKE_PROVIDER_KEY}"


def test_the_conversation_history_goes_to_the_provider(alice_api, chat, fake_llm):
    send(alice_api, chat, "first")
    send(alice_api, chat, "second")

    roles = [message["role"] for message in fake_llm.requests[-1]["body"]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]


def test_usage_is_charged_to_the_user_model_and_day(alice_api, alice, chat, fake_llm):
    send(alice_api, chat)
    send(alice_api, chat)

    row = TokenUsage.objects.get(user=alice, feature="chat")
    assert (row.model, row.requests) == ("fake-small", 2)
    assert row.completion_tokens == 2 * 5


def test_without_usage_from_the_provider_tokens_are_estimated_and_marked(alice_api, chat, fake_llm):
    fake_llm.script(reply="Twelve characters.", usage=False)

    reply = send(alice_api, chat).json()["reply"]

    assert reply["tokens_estimated"] is True
    assert reply["tokens"] > 0


@pytest.mark.parametrize(
    ("script", "kind"),
    [
        ({"status": 401}, "unauthorized"),
        ({"status": 429}, "rate_limited"),
        ({"status": 500}, "failed"),
        ({"status": 404, "error": "model fake-small does not exist"}, "bad_request"),
        ({"hang": True}, "timed_out"),
        ({"delay": 3.0}, "timed_out"),
    ],
)
def test_a_failing_provider_leaves_the_question_saved_and_the_reply_failed(alice_api, chat, fake_llm, script, kind):
    fake_llm.script(**script)

    started = time.monotonic()
    response = send(alice_api, chat)
    elapsed = time.monotonic() - started

    assert response.status_code == 502
    assert elapsed < 2 + 1.5  # the config's 2 s timeout, plus slack: never hangs
    question, reply = Message.objects.filter(chat=chat).order_by("id")
    assert (question.role, question.content) == ("user", "What is a quill?")
    assert (reply.status, reply.error_kind) == ("failed", kind)
    assert reply.error == response.json()["reply"]["error"]
    assert FAKE_PROVIDER_KEY not in reply.error


def test_an_unreachable_provider_fails_the_reply_quickly(alice_api, chat, fake_llm):
    config = AIConfig.objects.get(key="chat")
    config.base_url = "http://127.0.0.1:9/v1"
    ai_config_save(config)

    response = send(alice_api, chat)

    assert response.status_code == 502
    assert response.json()["reply"]["error_kind"] == "unreachable"
    assert "Can't reach the AI provider" in response.json()["reply"]["error"]


def test_a_stream_cut_midway_keeps_the_partial_text_and_says_so(alice_api, chat, fake_llm):
    fake_llm.script(reply="one two three four five", cut_after=2)

    reply = send(alice_api, chat).json()["reply"]

    assert (reply["status"], reply["error_kind"], reply["content"]) == ("failed", "interrupted", "one two")


def test_a_failed_reply_can_be_retried(alice_api, chat, fake_llm):
    fake_llm.script(status=500)
    send(alice_api, chat)
    fake_llm.script(reply="Second time lucky.")

    response = alice_api.post(f"/api/v1/chats/{chat.pk}/regenerate/")

    assert response.status_code == 201
    shown = alice_api.get(f"/api/v1/chats/{chat.pk}/messages/").json()["results"]
    assert [(m["role"], m["status"], m["content"]) for m in shown] == [
        ("user", "complete", "What is a quill?"),
        ("assistant", "complete", "Second time lucky."),
    ]
    assert shown[1]["version"] == 2 and len(shown[1]["versions"]) == 2  # the failed try is kept as version 1


def shown(client, chat) -> list[str]:
    return [m["content"] for m in client.get(f"/api/v1/chats/{chat.pk}/messages/").json()["results"]]


def test_regenerate_keeps_earlier_versions_to_flip_between(alice_api, chat, fake_llm):
    fake_llm.script(reply="A feather pen.")
    first = send(alice_api, chat).json()["reply"]["id"]
    fake_llm.script(reply="Another answer.")

    second = alice_api.post(f"/api/v1/chats/{chat.pk}/regenerate/").json()["reply"]["id"]

    assert shown(alice_api, chat) == ["What is a quill?", "Another answer."]
    listed = alice_api.get(f"/api/v1/chats/{chat.pk}/messages/").json()["results"][1]
    assert (listed["version"], listed["versions"]) == (2, [first, second])
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/messages/{first}/show/").status_code == 200
    assert shown(alice_api, chat) == ["What is a quill?", "A feather pen."]
    fake_llm.script(reply="Nibs.")
    send(alice_api, chat, "And the tip?")  # follows the version shown
    assert shown(alice_api, chat) == ["What is a quill?", "A feather pen.", "And the tip?", "Nibs."]
    prompt = [r for r in fake_llm.requests if r["path"].endswith("/chat/completions")][-1]["body"]["messages"]
    assert [m["content"] for m in prompt if m["role"] != "system"] == ["What is a quill?", "A feather pen.",
                                                                       "And the tip?"]  # fmt: skip
    assert len(alice_api.get(f"/api/v1/chats/{chat.pk}/messages/?all=true").json()["results"]) == 5


def test_edit_a_question_and_resend_keeping_the_old_branch(alice_api, bob_api, chat, fake_llm):
    fake_llm.script(reply="A feather pen.")
    question = send(alice_api, chat).json()["question"]["id"]
    send(alice_api, chat, "Who used them?")
    fake_llm.script(reply="Pens for calligraphy.")

    edited = alice_api.post(f"/api/v1/chats/{chat.pk}/messages/{question}/edit/", {"content": "What is a nib?"})

    assert edited.status_code == 201, edited.content
    assert shown(alice_api, chat) == ["What is a nib?", "Pens for calligraphy."]
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/messages/{question}/show/").status_code == 200
    assert shown(alice_api, chat) == ["What is a quill?", "A feather pen.", "Who used them?", "A feather pen."]
    reply_id = edited.json()["reply"]["id"]
    refused = alice_api.post(f"/api/v1/chats/{chat.pk}/messages/{reply_id}/edit/", {"content": "x"})
    assert refused.status_code == 400  # only questions
    assert bob_api.post(f"/api/v1/chats/{chat.pk}/messages/{question}/edit/", {"content": "x"}).status_code == 404


def test_regenerate_in_an_empty_chat_is_a_409(alice_api, chat, fake_llm):
    response = alice_api.post(f"/api/v1/chats/{chat.pk}/regenerate/")

    assert response.status_code == 409
    assert response.json()["detail"]


def test_without_a_provider_the_reply_says_how_to_configure_one(alice_api, chat):
    response = send(alice_api, chat)

    assert response.status_code == 503
    assert "Admin → AI configs" in response.json()["reply"]["error"]
    assert chat.messages.filter(role="user").count() == 1


def test_an_empty_message_is_a_400_and_saves_nothing(alice_api, chat, fake_llm):
    response = send(alice_api, chat, "   ")

    assert response.status_code == 400
    assert not chat.messages.exists()


def test_over_the_daily_quota_the_provider_is_not_called(alice_api, alice, chat, fake_llm):
    site_settings.set_value("daily_token_limit", 100)
    usage_record(user=alice, model="fake-small", feature="chat", usage=Usage(60, 40))

    response = send(alice_api, chat)

    assert response.status_code == 429
    assert "resets at midnight" in response.json()["detail"]
    assert not chat.messages.exists()
    assert fake_llm.requests == []


def test_another_users_chat_is_invisible(bob_api, chat, fake_llm):
    assert send(bob_api, chat).status_code == 404
    assert bob_api.get(f"/api/v1/chats/{chat.pk}/messages/").status_code == 404
    assert bob_api.post(f"/api/v1/chats/{chat.pk}/regenerate/").status_code == 404
    assert bob_api.post(f"/api/v1/chats/{chat.pk}/stop/").status_code == 404
    assert bob_api.get(f"/api/v1/chats/{chat.pk}/export/").status_code == 404
    assert not chat.messages.exists()


def test_guests_cannot_send(guest_api, guest, fake_llm):
    chat = chat_create(owner=guest)

    assert send(guest_api, chat).status_code == 403
    assert not chat.messages.exists()


def test_the_provider_key_is_encrypted_at_rest_and_never_logged(alice_api, chat, fake_llm, caplog):
    caplog.set_level(logging.DEBUG)
    fake_llm.script(status=401)

    send(alice_api, chat)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM ai_aiconfig")
        rows = cursor.fetchall()
    assert all(FAKE_PROVIDER_KEY not in str(value) for row in rows for value in row)
    assert FAKE_PROVIDER_KEY not in caplog.text


def test_message_list_takes_the_same_queries_for_5_or_50_messages(alice_api, chat, django_assert_num_queries):
    for count in (5, 50):
        chat.messages.all().delete()
        parent = None
        for n in range(count):
            parent = Message.objects.create(chat=chat, parent=parent, role="user", content=f"m{n}")
        # user of the token, the chat, the conversation's tree, the page of messages, their files
        with django_assert_num_queries(5):
            response = alice_api.get(f"/api/v1/chats/{chat.pk}/messages/")
        assert len(response.json()["results"]) == count


def test_new_chats_take_the_default_title_until_one_is_generated(alice_api):
    response = alice_api.post("/api/v1/chats/", {})

    assert response.status_code == 201
    assert Chat.objects.get(pk=response.json()["id"]).title_source == "default"


def test_a_second_message_while_a_reply_runs_is_a_409_and_saves_nothing(alice_api, chat, fake_llm):
    Message.objects.create(chat=chat, role="user", content="first")
    Message.objects.create(chat=chat, role="assistant", status="streaming")

    response = send(alice_api, chat, "second")

    assert response.status_code == 409
    assert "still being written" in response.json()["detail"]
    assert list(chat.messages.values_list("content", flat=True)) == ["first", ""]
    assert fake_llm.requests == []
