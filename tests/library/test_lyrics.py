"""Timed lyrics in the three formats found beside tracks."""

from __future__ import annotations

from library.lyrics import read_cues


def test_lrc_with_several_stamps_on_a_line_and_metadata(tmp_path):
    path = tmp_path / "a.lrc"
    path.write_text("[ar:Someone]\n[00:01.50]first\n[00:05.00][00:09.25]chorus\nno time here\n[00:07]middle\n")
    assert read_cues(path) == [
        {"start": 1.5, "end": 5.0, "text": "first"},
        {"start": 5.0, "end": 7.0, "text": "chorus"},
        {"start": 7.0, "end": 9.25, "text": "middle"},
        {"start": 9.25, "end": None, "text": "chorus"},
    ]


def test_webvtt_and_srt(tmp_path):
    vtt = tmp_path / "a.vtt"
    vtt.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\n<v Aoi>Hello</v>\nthere\n\n00:03.000 --> 00:04.000\nBye\n"
    )
    assert read_cues(vtt) == [
        {"start": 1.0, "end": 2.5, "text": "Hello there"},
        {"start": 3.0, "end": 4.0, "text": "Bye"},
    ]
    srt = tmp_path / "a.srt"
    srt.write_bytes("1\r\n00:00:01,200 --> 00:00:02,000\r\nこんにちは\r\n\r\n".encode("utf-8-sig"))
    assert read_cues(srt) == [{"start": 1.2, "end": 2.0, "text": "こんにちは"}]


def test_an_unreadable_or_huge_file_has_no_cues(tmp_path):
    assert read_cues(tmp_path / "gone.lrc") == []
    huge = tmp_path / "huge.lrc"
    huge.write_text("[00:01.00]x\n" * 60000)
    assert read_cues(huge) == []
