"""Streamed replies through the real ASGI stack (uvicorn), as a browser or bot receives them."""

import json
import time

import httpx2
import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from chats.models import Message
from chats.services import chat_create

pytestmark = pytest.mark.django_db(transaction=True)


def auth(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def read_events(response: httpx2.Response, on_event=None) -> list[tuple[float, str, dict]]:
    """(arrival time, event name, data) for each Server-Sent Event."""
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((time.monotonic(), name, json.loads(line.removeprefix("data: "))))
            if on_event:
                on_event(events)
    return events


def stream_message(server: str, user, chat, content: str = "Count to five", on_event=None, headers=None):
    with httpx2.stream(
        "POST",
        f"{server}/api/v1/chats/{chat.pk}/messages/",
        json={"content": content},
        headers={**(headers or auth(user)), "Accept": "text/event-stream"},
        timeout=15,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_events(response, on_event)


def test_the_reply_arrives_piece_by_piece_then_the_saved_message(asgi_server, alice, fake_llm):
    fake_llm.script(pieces=["one", " two", " three", " four", " five"], delay=0.3)
    chat = chat_create(owner=alice)

    events = stream_message(asgi_server, alice, chat)

    names = [name for _, name, _ in events]
    assert names == ["start", "delta", "delta", "delta", "delta", "delta", "done"]
    deltas = [(at, data["content"]) for at, name, data in events if name == "delta"]
    assert "".join(text for _, text in deltas) == "one two three four five"
    # forwarded as they arrive: the first piece came ~1.2 s before the last, not in one batch at the end
    assert deltas[-1][0] - deltas[0][0] > 0.9
    done = events[-1][2]
    saved = Message.objects.get(pk=done["id"])
    assert (saved.status, saved.content, saved.tokens) == ("complete", "one two three four five", 5)
    assert done["tokens"] == 5 and done["tokens_estimated"] is False
    assert events[0][2] == {"question": saved.pk - 1, "reply": saved.pk}


def test_stop_keeps_the_partial_text(asgi_server, alice, fake_llm):
    fake_llm.script(pieces=[f" w{n}" for n in range(20)], delay=0.3)
    chat = chat_create(owner=alice)
    stopped = []

    def stop_after_first_piece(events):
        if not stopped and events[-1][1] == "delta":
            stopped.append(httpx2.post(f"{asgi_server}/api/v1/chats/{chat.pk}/stop/", headers=auth(alice)))

    events = stream_message(asgi_server, alice, chat, on_event=stop_after_first_piece)

    assert stopped[0].json() == {"stopped": 1}
    assert events[-1][1] == "stopped"
    reply = Message.objects.get(pk=events[-1][2]["id"])
    assert reply.status == "stopped"
    assert 0 < len(reply.content) < len("".join(f" w{n}" for n in range(20)))
    assert reply.content == "".join(data["content"] for _, name, data in events if name == "delta")


def test_a_hanging_provider_ends_the_stream_with_an_error_within_the_timeout(asgi_server, alice, fake_llm):
    fake_llm.script(hang=True)
    chat = chat_create(owner=alice)

    started = time.monotonic()
    events = stream_message(asgi_server, alice, chat)

    assert time.monotonic() - started < 2 + 1.5
    assert events[-1][1] == "error"
    assert events[-1][2]["error_kind"] == "timed_out"
    assert Message.objects.get(pk=events[-1][2]["id"]).status == "failed"
    assert chat.messages.filter(role="user").count() == 1


def test_a_client_that_goes_away_leaves_the_partial_reply_saved(asgi_server, alice, fake_llm):
    fake_llm.script(pieces=[f" w{n}" for n in range(30)], delay=0.2)
    chat = chat_create(owner=alice)

    with httpx2.stream(
        "POST",
        f"{asgi_server}/api/v1/chats/{chat.pk}/messages/",
        json={"content": "long answer please"},
        headers={**auth(alice), "Accept": "text/event-stream"},
        timeout=15,
    ) as response:
        for line in response.iter_lines():
            if line.startswith("event: delta"):
                break  # leave mid-reply

    deadline = time.monotonic() + 8
    reply = chat.messages.get(role="assistant")
    while reply.status == "streaming" and time.monotonic() < deadline:
        time.sleep(0.2)
        reply.refresh_from_db()
    assert reply.status == "stopped"
    assert reply.content.startswith(" w0")


def test_errors_before_the_stream_starts_are_json(asgi_server, alice, bob, fake_llm):
    chat = chat_create(owner=alice)

    response = httpx2.post(
        f"{asgi_server}/api/v1/chats/{chat.pk}/messages/",
        json={"content": ""},
        headers={**auth(alice), "Accept": "text/event-stream"},
    )
    other = httpx2.post(
        f"{asgi_server}/api/v1/chats/{chat.pk}/messages/",
        json={"content": "hi"},
        headers={**auth(bob), "Accept": "text/event-stream"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"]["content"]
    assert other.status_code == 404


def test_stop_before_the_first_token_cancels_the_provider_request(asgi_server, alice, fake_llm):
    from ai.models import AIConfig

    AIConfig.objects.filter(key="chat").update(timeout_seconds=60)  # as in production: a hang lasts a minute
    from ai.services import forget_endpoints

    forget_endpoints()
    fake_llm.script(hang=True)
    chat = chat_create(owner=alice)
    answered = []

    def stop_once_started(events):
        if events[-1][1] == "start":
            while not fake_llm.requests:  # the provider has the request and says nothing
                time.sleep(0.02)
            answered.append((time.monotonic(), httpx2.post(f"{asgi_server}/api/v1/chats/{chat.pk}/stop/",
                                                            headers=auth(alice))))  # fmt: skip

    events = stream_message(asgi_server, alice, chat, on_event=stop_once_started)

    stopped_at, response = answered[0]
    assert response.json() == {"stopped": 1}
    assert events[-1][1] == "stopped" and events[-1][0] - stopped_at < 1.5
    deadline = time.monotonic() + 2
    while not fake_llm.hangups and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake_llm.hangups and fake_llm.hangups[0] - stopped_at < 1.5  # the upstream request was closed
    reply = chat.messages.get(role="assistant")
    assert (reply.status, reply.content) == ("stopped", "")


def test_a_send_that_loses_the_race_to_another_reply_is_a_409_and_drops_its_provider_request(
    asgi_server, alice, fake_llm
):
    # The provider is asked while the question is being saved; here the save is refused (a reply of this chat
    # started meanwhile, off the shown conversation, so only the database's one-running-reply rule sees it).
    fake_llm.script(hang=True)
    chat = chat_create(owner=alice)
    Message.objects.create(chat=chat, role="assistant", status="streaming", active=False)

    started = time.monotonic()
    response = httpx2.post(
        f"{asgi_server}/api/v1/chats/{chat.pk}/messages/",
        json={"content": "hi"},
        headers={**auth(alice), "Accept": "text/event-stream"},
        timeout=15,
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/json"
    assert "still being written" in response.json()["detail"]
    assert time.monotonic() - started < 1.5  # not the provider's 2 s timeout: its request was dropped
    assert chat.messages.count() == 1
    deadline = time.monotonic() + 2
    while fake_llm.requests and not fake_llm.hangups and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not fake_llm.requests or fake_llm.hangups  # asked or not yet, nothing is left waiting on it


def test_a_streamed_send_failing_at_the_provider_saves_the_question_and_says_why(asgi_server, alice, fake_llm):
    fake_llm.script(status=429)
    chat = chat_create(owner=alice)

    events = stream_message(asgi_server, alice, chat)

    assert [name for _, name, _ in events] == ["start", "error"]
    assert events[-1][2]["error_kind"] == "rate_limited"
    question, reply = chat.messages.order_by("id")
    assert (question.content, reply.status) == ("Count to five", "failed")


def test_a_burst_of_sends_all_get_their_whole_replies(asgi_server, alice, fake_llm):
    from concurrent.futures import ThreadPoolExecutor

    from chats.api.send import PREPARING_AT_ONCE

    # more sends at once than one process prepares at once: the others wait their turn, none is lost, and sends
    # refused before their stream (here: empty) hand their turn back
    fake_llm.script(pieces=["a", " b"], delay=0.05)
    chats = [chat_create(owner=alice) for _ in range(PREPARING_AT_ONCE * 2 + 1)]
    for _ in range(PREPARING_AT_ONCE + 1):
        refused = httpx2.post(
            f"{asgi_server}/api/v1/chats/{chats[0].pk}/messages/",
            json={"content": " "},
            headers={**auth(alice), "Accept": "text/event-stream"},
        )
        assert refused.status_code == 400

    token = auth(alice)  # here: a token is a database row, and the sending threads must not open connections
    with ThreadPoolExecutor(len(chats)) as pool:
        results = list(pool.map(lambda chat: stream_message(asgi_server, alice, chat, headers=token), chats))

    assert [[name for _, name, _ in events] for events in results] == [["start", "delta", "delta", "done"]] * len(chats)
    assert {events[-1][2]["content"] for events in results} == {"a b"}
    assert Message.objects.filter(chat__in=chats, role="assistant", status="complete").count() == len(chats)


def test_a_streamed_send_asks_with_the_whole_shown_conversation(asgi_server, alice, fake_llm):
    chat = chat_create(owner=alice, system_prompt="Be brief.")
    for question in ("First?", "Second?"):
        stream_message(asgi_server, alice, chat, question)
    older = chat.messages.get(content="Second?")
    Message.objects.filter(pk=older.pk).update(active=False)  # an earlier version of the second question...
    edited = Message.objects.create(chat=chat, parent=older.parent, role="user", content="Second, edited?")
    Message.objects.create(chat=chat, parent=edited, role="assistant", content="Edited answer.")  # ...is not shown

    stream_message(asgi_server, alice, chat, "Third?")

    sent = [(m["role"], m["content"]) for m in fake_llm.requests[-1]["body"]["messages"]]
    reply = "Hello from the fake model."
    assert sent == [
        ("system", "Be brief."), ("user", "First?"), ("assistant", reply), ("user", "Second, edited?"),
        ("assistant", "Edited answer."), ("user", "Third?"),
    ]  # fmt: skip


def test_a_key_no_provider_can_be_sent_ends_the_stream_with_an_error(asgi_server, alice, fake_llm):
    """Regression: a key with non-ASCII characters made the stream drop without a final event."""
    from ai import crypto
    from ai.models import AIConfig
    from ai.services import forget_endpoints

    AIConfig.objects.update(api_key_encrypted=crypto.encrypt("sk-ünïcode"))  # saved before keys were checked
    forget_endpoints()
    chat = chat_create(owner=alice)

    events = stream_message(asgi_server, alice, chat)

    assert events[-1][1] == "error" and "enter it again" in events[-1][2]["error"]
    assert chat.messages.order_by("id").last().status == "failed"
