"""What a work folder on disk holds, read without touching the database: its code, metadata (sidecar, folder name,
audio tags), tracks with durations, cover and lyrics, and a fingerprint to skip unchanged folders on a rescan."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import mutagen

CODE = re.compile(r"(?<![A-Za-z0-9])((?:RJ|VJ|BJ)\d{6,8})(?![0-9])", re.IGNORECASE)
SIDECAR = "work.json"
AUDIO = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".flac": "audio/flac", ".wav": "audio/wav",
         ".ogg": "audio/ogg", ".opus": "audio/ogg", ".aac": "audio/aac"}  # fmt: skip
LYRICS = (".lrc", ".vtt", ".srt")
IMAGES = (".jpg", ".jpeg", ".png", ".webp")
# Brackets DLsite-style folder names put a circle in: [Circle], 【Circle】, ［Circle］.
BRACKETED = re.compile(r"\[([^\[\]]+)\]|【([^【】]+)】|［([^［］]+)］")
# A leading category in parentheses, as download tools write it: (同人音声), (一般向け), (18禁) …
CATEGORY = re.compile(r"^\s*[(（][^()（）]{1,20}[)）]\s*")
SEPARATORS = " -_~—・:：|"


@dataclass
class TrackInfo:
    path: str
    title: str
    duration_seconds: float
    mime_type: str
    size: int
    lyrics: str = ""


@dataclass
class FolderInfo:
    code: str
    dir: str
    title: str
    circle: str
    tags: list[str] = field(default_factory=list)
    vas: list[str] = field(default_factory=list)
    release: date | None = None
    nsfw: bool = False
    price: int = 0
    dl_count: int = 0
    cover: str = ""
    tracks: list[TrackInfo] = field(default_factory=list)
    sidecar_keys: set[str] = field(default_factory=set)
    store: dict[str, Any] = field(default_factory=dict)  # the store's ratings and rank, when it was asked


def work_folders(root: Path) -> Iterator[Path]:
    """Folders under `root` that are works (a store code in the name, or a work.json), never following links out
    of the root and never looking for works inside a work."""
    root = root.resolve()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                continue
            path = Path(entry.path)
            if CODE.search(entry.name) or (path / SIDECAR).is_file():
                yield path
            else:
                stack.append(path)


def fingerprint(folder: Path) -> tuple[int, int]:
    """(latest modification time of the folder or any folder in it, total bytes of its files): a folder whose
    files were added, removed, renamed or rewritten gets another fingerprint. Costs a stat per file, no reads."""
    latest, total = 0, 0
    for current, _dirs, files in os.walk(folder):
        latest = max(latest, os.stat(current).st_mtime_ns)
        for name in files:
            try:
                stat = os.stat(os.path.join(current, name), follow_symlinks=False)
            except OSError:
                continue
            total += stat.st_size
            latest = max(latest, stat.st_mtime_ns)
    return latest, total


def _sidecar(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _release(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _count(value: Any) -> int:
    """A whole number from a sidecar, 0 for anything else (a sidecar is hand-written and may say anything)."""
    return int(value) if str(value).isdigit() else 0


def _tag_text(tags: Any, *keys: str) -> str:
    """The first non-empty text among these tag keys (ID3 frames, Vorbis comments and MP4 atoms differ)."""
    for key in keys:
        try:
            value: Any = tags.get(key) if tags is not None else None
        except (KeyError, ValueError):
            value = None
        value = getattr(value, "text", value)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value and str(value).strip():
            return str(value).strip()
    return ""


def name_parts(name: str) -> tuple[str, str]:
    """(circle, title) as a work folder's name gives them, the way DLsite names and kikoeru's users write them:
    `RJ01234567 [Circle] Title`, `[Circle] Title (RJ123456)`, `[RJ123456][Circle] Title`, `【Circle】Title`,
    `(同人音声) [Circle] Title [RJ123456]`. The code goes (with brackets holding only it); the first remaining
    bracket is the circle; the rest is the title. No bracket: no circle."""
    rest = CATEGORY.sub("", name)
    rest = re.sub(rf"[\[(（【［]\s*{CODE.pattern}\s*[\])）】］]", " ", rest, flags=re.IGNORECASE)
    rest = CODE.sub(" ", rest)
    circle = ""
    found = BRACKETED.search(rest)
    if found:
        circle = next(group for group in found.groups() if group is not None).strip()
        rest = rest[: found.start()] + " " + rest[found.end() :]
    title = " ".join(rest.split()).strip(SEPARATORS + "()（）")
    return circle, title


def read(root: Path, folder: Path) -> FolderInfo:
    """Everything the scan needs to know about one work folder (local sources only: sidecar, name, tags)."""
    sidecar = _sidecar(folder)
    name = folder.name
    match = CODE.search(name)
    code = (match.group(1).upper() if match else "") or str(sidecar.get("code") or "")
    if not code:
        code = "LOCAL-" + hashlib.sha1(str(folder.relative_to(root)).encode()).hexdigest()[:12].upper()
    named_circle, named_title = name_parts(name)
    info = FolderInfo(
        code=code[:20],
        dir=str(folder.relative_to(root)),
        title=str(sidecar.get("title") or named_title or code)[:500],
        circle=str(sidecar.get("circle") or named_circle).strip()[:255],
        tags=[str(tag)[:100] for tag in sidecar.get("tags", []) if str(tag).strip()][:100],
        vas=[str(va)[:255] for va in sidecar.get("vas", []) if str(va).strip()][:50],
        release=_release(sidecar.get("release")),
        nsfw=bool(sidecar.get("nsfw", False)),
        price=_count(sidecar.get("price")),
        dl_count=_count(sidecar.get("dl_count")),
        sidecar_keys=set(sidecar),
    )
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    names = {p.relative_to(folder).as_posix() for p in files}
    for path in files:
        suffix = path.suffix.lower()
        relative = path.relative_to(folder).as_posix()
        if suffix in IMAGES and not info.cover:
            info.cover = relative
        if suffix not in AUDIO:
            continue
        try:
            audio = mutagen.File(path)
        except Exception:  # a damaged file is listed without a duration rather than stopping the scan
            audio = None
        duration = float(getattr(getattr(audio, "info", None), "length", 0) or 0)
        tags = getattr(audio, "tags", None)
        title = _tag_text(tags, "title", "TIT2", "\xa9nam") or path.stem
        artist = _tag_text(tags, "artist", "TPE1", "\xa9ART")
        if artist and artist not in info.vas and not sidecar.get("vas"):
            info.vas.append(artist[:255])
        lyrics = next((candidate for ext in LYRICS if (candidate := relative[: -len(suffix)] + ext) in names), "")
        info.tracks.append(TrackInfo(relative, title[:500], duration, AUDIO[suffix], path.stat().st_size, lyrics))
    return info
