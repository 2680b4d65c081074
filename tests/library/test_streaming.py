"""Audio streams with HTTP Range, the right type, never a byte from outside its root, and through signed links."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from library import scanner, streaming
from library.models import Track
from tests.library.disk import work

pytestmark = pytest.mark.django_db


@pytest.fixture
def track(library_root):
    work(library_root, "RJ01111111 One", tracks=1)
    scanner.scan()
    return Track.objects.select_related("work__root").get()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_file_with_its_type(client, alice, track):
    client.force_login(alice)

    response = client.get(f"/library/tracks/{track.pk}/stream/")

    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == streaming.file_of(track).read_bytes()


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None), ("bytes=10-999999", 10, None)],
)
def test_ranges_answer_206_with_the_right_bytes(client, alice, track, header, first, last):
    client.force_login(alice)
    data = streaming.file_of(track).read_bytes()
    size = len(data)
    first = size - 50 if first is None else first
    last = size - 1 if last is None else last

    response = client.get(f"/library/tracks/{track.pk}/stream/", HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert body(response) == data[first : last + 1]


def test_a_range_past_the_end_is_416(client, alice, track):
    client.force_login(alice)
    size = streaming.file_of(track).stat().st_size

    response = client.get(f"/library/tracks/{track.pk}/stream/", HTTP_RANGE=f"bytes={size}-")

    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"


HUGE = "9" * 5000  # past int()'s 4,300-digit limit: each of these was a 500, signed in or through a signed link


@pytest.mark.parametrize(
    ("header", "status", "shown"),
    [
        (f"bytes={HUGE}-", 416, None),  # starts past the end
        (f"bytes=0-{HUGE}", 206, "0-{last}"),  # ends past the end: up to the last byte
        (f"bytes=-{HUGE}", 206, "0-{last}"),  # more than the whole file from the end: the whole file
        (f"bytes={HUGE}-{HUGE}", 416, None),
    ],
)
def test_ranges_with_thousands_of_digits_are_answered_not_a_500(client, track, header, status, shown):
    url = f"/library/stream/{streaming.signed_token(track)}/"
    data = streaming.file_of(track).read_bytes()

    response = client.get(url, HTTP_RANGE=header)

    assert response.status_code == status
    if shown:
        assert response["Content-Range"] == f"bytes {shown.format(last=len(data) - 1)}/{len(data)}"
        assert body(response) == data
    else:
        assert response["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=0-1, -3", "bytes=abc", "items=0-1", "bytes=5-2"])
def test_several_ranges_or_a_range_we_cant_read_get_the_whole_file(client, track, header):
    """Several ranges are allowed to be answered with the whole file (RFC 9110 §14.2); Quillium does so rather
    than write multipart/byteranges, which no audio player asks for. An invalid range (5-2) is ignored likewise."""
    response = client.get(f"/library/stream/{streaming.signed_token(track)}/", HTTP_RANGE=header)

    assert response.status_code == 200 and "Content-Range" not in response
    assert body(response) == streaming.file_of(track).read_bytes()


def test_strangers_and_paths_out_of_the_root_get_nothing(client, alice, track, tmp_path):
    assert client.get(f"/library/tracks/{track.pk}/stream/").status_code == 302  # sign in first
    client.force_login(alice)
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"RIFF private")
    Track.objects.filter(pk=track.pk).update(path="../../secret.wav")
    assert client.get(f"/library/tracks/{track.pk}/stream/").status_code == 404

    folder = streaming.Path(track.work.root.path) / track.work.dir
    os.symlink(secret, folder / "link.wav")
    Track.objects.filter(pk=track.pk).update(path="link.wav")
    assert client.get(f"/library/tracks/{track.pk}/stream/").status_code == 404


def test_signed_links_work_without_signing_in_and_expire(client, track):
    url = f"/library/stream/{streaming.signed_token(track)}/"

    assert client.get(url, HTTP_RANGE="bytes=0-3").status_code == 206
    with time_machine.travel(timezone.now() + timedelta(seconds=streaming.LINK_SECONDS + 60)):
        assert client.get(url).status_code == 404
    assert client.get("/library/stream/forged:token/").status_code == 404


def test_the_web_server_can_send_the_file(client, alice, track, settings):
    settings.LIBRARY_SENDFILE = "nginx"
    client.force_login(alice)

    response = client.get(f"/library/tracks/{track.pk}/stream/")

    assert response["X-Accel-Redirect"].startswith("/library-files/voice/RJ01111111%20One/")
    settings.LIBRARY_SENDFILE = "apache"
    assert client.get(f"/library/tracks/{track.pk}/stream/")["X-Sendfile"].endswith("01 track.wav")
