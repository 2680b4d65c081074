"""The reply runner saves partial text at most once a second, however fast or slow the pieces come."""

import time

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chats import services
from chats.replies import collect_reply
from chats.services import chat_create

pytestmark = pytest.mark.django_db


def progress_saves(queries) -> int:
    return sum(
        1 for query in queries if query["sql"].startswith('UPDATE "chats_message"') and "streaming" in query["sql"]
    )


def run(alice, text="hi"):
    chat = chat_create(owner=alice)
    _, reply = services.message_send(chat, text)
    started = time.monotonic()
    with CaptureQueriesContext(connection) as captured:
        reply = async_to_sync(collect_reply)(reply)
    return reply, captured, time.monotonic() - started


def test_a_fast_stream_of_many_pieces_is_saved_once_at_the_end(alice, fake_llm):
    fake_llm.script(pieces=[f"p{n} " for n in range(300)])

    reply, captured, _ = run(alice)

    assert reply.content.count("p") == 300
    assert progress_saves(captured.captured_queries) == 0


def test_a_slow_stream_is_saved_about_once_a_second(alice, fake_llm):
    fake_llm.script(pieces=[f"p{n} " for n in range(10)], delay=0.25)  # 2.5 s in all

    reply, captured, seconds = run(alice)

    assert reply.status == "complete"
    # once per full second of streaming (a loaded machine streams longer), never once per piece (10)
    assert 1 <= progress_saves(captured.captured_queries) <= int(seconds) < 10
