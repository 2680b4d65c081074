"""Timed lyrics beside a track (.lrc, .vtt, .srt) as cues the player highlights while it plays."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypedDict

MAX_BYTES = 512 * 1024
LRC_LINE = re.compile(r"^((?:\[\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?\])+)(.*)$")
LRC_STAMP = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
CUE_TIMES = re.compile(
    r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
)


class Cue(TypedDict):
    start: float
    end: float | None
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> float:
    whole = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return round(whole + (int(fraction) / 10 ** len(fraction) if fraction else 0), 3)


def _lrc(text: str) -> list[Cue]:
    cues: list[Cue] = []
    for line in text.splitlines():
        match = LRC_LINE.match(line.strip())
        if not match:
            continue  # metadata such as [ar:…] or a line without a time
        words = match.group(2).strip()
        for minutes, seconds, fraction in LRC_STAMP.findall(match.group(1)):
            cues.append({"start": _seconds(None, minutes, seconds, fraction or None), "end": None, "text": words})
    cues.sort(key=lambda cue: cue["start"])
    for cue, following in zip(cues, cues[1:], strict=False):
        cue["end"] = following["start"]
    return [cue for cue in cues if cue["text"]]


def _blocks(text: str) -> list[Cue]:
    """WebVTT and SubRip: blocks of a times line (`00:01.000 --> 00:02.000`) and the words under it."""
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().split("\n")
        for n, line in enumerate(lines):
            match = CUE_TIMES.match(line)
            if match:
                g = match.groups()
                words = " ".join(part.strip() for part in lines[n + 1 :] if part.strip())
                words = re.sub(r"<[^>]+>", "", words)  # voice and style tags
                if words:
                    cues.append({"start": _seconds(*g[:4]), "end": _seconds(*g[4:]), "text": words})
                break
    return sorted(cues, key=lambda cue: cue["start"])


def read_cues(path: Path) -> list[Cue]:
    """The cues of a lyrics file; an unreadable or oversized one has none rather than failing the page."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return []
        raw = path.read_bytes()
    except OSError:
        return []
    text = raw.decode("utf-8-sig", errors="replace")
    return _lrc(text) if path.suffix.lower() == ".lrc" else _blocks(text)
