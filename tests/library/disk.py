"""Tiny work folders on disk for the library tests: WAV files written with the wave module, lyrics, a cover."""

from __future__ import annotations

import json
import wave
from pathlib import Path


def wav(path: Path, seconds: float = 0.5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x00" * int(8000 * seconds))


def work(root: Path, name: str, tracks: int = 2, sidecar: dict | None = None) -> Path:
    folder = root / name
    for n in range(tracks):
        wav(folder / f"{n + 1:02d} track.wav", seconds=0.5 + n)
    (folder / "01 track.lrc").write_text("[00:00.00]hello\n")
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    if sidecar is not None:
        (folder / "work.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return folder
