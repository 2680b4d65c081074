"""Reading a provider's event stream: what real OpenAI-compatible servers send besides plain `data:` lines."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from ai import sse


def read(body: bytes) -> list[dict]:
    async def collect() -> list[dict]:
        return [event async for event in sse.events(httpx2.Response(200, content=body))]

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: the browser tests leave one running in this thread
        return thread.submit(asyncio.run, collect()).result()


def test_events_are_the_json_of_data_lines_up_to_done():
    body = b'data: {"a": 1}\n\ndata:{"b": 2}\n\ndata: [DONE]\n\ndata: {"after": 3}\n\n'

    assert read(body) == [{"a": 1}, {"b": 2}]


def test_comments_and_other_fields_are_skipped_and_split_data_lines_joined():
    body = b': OPENROUTER PROCESSING\n\nevent: message\nid: 7\ndata: {"a":\ndata: 1}\n\n'

    assert read(body) == [{"a": 1}]


def test_a_last_event_without_its_blank_line_still_counts():
    assert read(b'data: {"a": 1}') == [{"a": 1}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'data: {"error": {"message": "model overloaded"}}\n\n', "failed mid-reply: model overloaded"),
        (b"data: not json\n\n", "can't read"),
        (b"data: [1, 2]\n\n", "can't read"),
    ],
)
def test_an_error_event_or_garbage_is_a_stream_error(body, message):
    with pytest.raises(sse.StreamError, match=message):
        read(body)
