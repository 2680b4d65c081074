"""What a file attached in a chat's message box gives the model: an image as an image part (for models that read
images), the text of a text, Markdown or PDF file (through pypdf) as context. Reading only; chats.services writes."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from quillium_site.files import sniff

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
PDF_TYPE = "application/pdf"
# Declared types of text files that sniffing reads as text/plain (or can't tell from their first bytes).
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".csv", ".json", ".log")
IMAGES_PER_PROMPT = 4  # the most recent ones; older pictures are named in the text instead


@dataclass(frozen=True)
class Read:
    kind: str
    mime_type: str
    text: str = ""
    truncated: bool = False


def read(upload: IO[bytes], filename: str, *, max_chars: int) -> Read:
    """What the file is and, for text and PDF, its text cut at `max_chars`; ValidationError with the reason when
    chats can't use it."""
    upload.seek(0)
    detected = sniff.detect(upload.read(sniff.SNIFF_BYTES), upload)
    upload.seek(0)
    if detected.mime_type in IMAGE_TYPES:
        return Read(kind="image", mime_type=detected.mime_type)
    if detected.mime_type == PDF_TYPE:
        return _cut(_pdf_text(upload, filename, max_chars), "pdf", PDF_TYPE, max_chars)
    named_text = filename.lower().endswith(TEXT_SUFFIXES)  # then text in another encoding gets that reason
    if detected.mime_type == "text/plain" or (
        named_text and (detected.mime_type.startswith("text/") or detected.mime_type == "application/octet-stream")
    ):
        return _cut(_decoded(upload.read(), filename), "text", _text_type(filename), max_chars)
    raise ValidationError(
        _("Chats read images (PNG, JPEG, GIF, WebP), text and Markdown files and PDFs; “%(name)s” is %(type)s.")
        % {"name": filename, "type": detected.mime_type}
    )


def _text_type(filename: str) -> str:
    return "text/markdown" if filename.lower().endswith((".md", ".markdown")) else "text/plain"


def _decoded(data: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("“%(name)s” is not UTF-8 text; save it as UTF-8 and attach it again.") % {"name": filename})


def _pdf_text(upload: IO[bytes], filename: str, max_chars: int) -> str:
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("“%(name)s” is locked with a password.") % {"name": filename})
        pages: list[str] = []
        length = 0
        for page in reader.pages:  # stop once there is enough: a long PDF is slow to read to its end
            text = page.extract_text() or ""
            pages.append(text)
            length += len(text)
            if length > max_chars:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise ValidationError(_("“%(name)s” could not be read as a PDF.") % {"name": filename}) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise ValidationError(
            _("“%(name)s” has no text to read (a scan, perhaps); attach its pages as images instead.")
            % {"name": filename}
        )
    return text


def _cut(text: str, kind: str, mime_type: str, max_chars: int) -> Read:
    text = text.strip()
    if not text:
        raise ValidationError(_("The file is empty."))
    return Read(kind=kind, mime_type=mime_type, text=text[:max_chars], truncated=len(text) > max_chars)


def context_block(filename: str, text: str, truncated: bool) -> str:
    """A text file as the model reads it, after the question."""
    cut = "\n[… cut here: the file is longer]" if truncated else ""
    return f'\n\n<file name="{filename}">\n{text}{cut}\n</file>'


def image_part(mime_type: str, data: bytes) -> dict[str, Any]:
    """An image as OpenAI's chat API takes it (a data URL: the provider can't fetch our private files)."""
    return {"type": "image_url", "image_url": {"url": f"data:{mime_type};base64,{base64.b64encode(data).decode()}"}}
