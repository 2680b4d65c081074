"""What an uploaded file really is: its MIME type from its bytes (never the client's word) and, for images,
their size in pixels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

import puremagic
from PIL import Image, UnidentifiedImageError

SNIFF_BYTES = 8192
# Declared types that say nothing, so they can't lie.
VAGUE = {"", "application/octet-stream", "binary/octet-stream"}


@dataclass(frozen=True)
class Detected:
    mime_type: str
    kind: str
    metadata: dict = field(default_factory=dict)


def detect(head: bytes, stream: IO[bytes] | None = None) -> Detected:
    """The type of a file from its first bytes (`head`); `stream` (seekable) lets images be measured."""
    if stream is not None:
        image = _image(stream)
        if image is not None:
            return image
    try:
        mime = puremagic.from_string(head, mime=True) or ""
    except puremagic.PureError:
        mime = ""
    if not mime:
        mime = "text/plain" if _is_text(head) else "application/octet-stream"
    return Detected(mime_type=mime, kind=kind_of(mime))


def _image(stream: IO[bytes]) -> Detected | None:
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            width, height = image.size
            mime = Image.MIME.get(image.format or "", "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        stream.seek(0)
    if not mime:
        return None
    return Detected(mime_type=mime, kind="image", metadata={"width": width, "height": height})


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4  # a multi-byte character cut off at the end of the sample
    return True


def kind_of(mime: str) -> str:
    major = mime.split("/")[0]
    if major in {"image", "audio", "video"}:
        return major
    if major == "text" or mime in {"application/pdf", "application/json", "application/msword"} or "document" in mime:
        return "document"
    return "other"


def declared_type_lies(declared: str, detected: str) -> bool:
    """Whether the client's Content-Type contradicts the bytes (a vague one never does)."""
    declared = declared.split(";")[0].strip().lower()
    if declared in VAGUE or declared == detected:
        return False
    # text/* files come in many spellings (text/markdown, text/csv…): accept any text for text.
    if detected == "text/plain" and declared.startswith("text/"):
        return False
    return declared.split("/")[0] != detected.split("/")[0] or kind_of(declared) != kind_of(detected)
