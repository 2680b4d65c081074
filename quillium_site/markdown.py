"""Markdown to safe HTML, server-side: rendered by Python-Markdown, then sanitized by nh3 (ammonia).

Images load only from this site (attachments) or data: URLs: an `![x](http://elsewhere/…)` in a memo or a model's
reply becomes a link, so merely opening a page never tells another host who read it (the CSP enforces the same).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
}


def is_remote(url: str) -> bool:
    """Whether fetching `url` would leave this site (an absolute or protocol-relative address)."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in {"", "data"}


class _RemoteImagesAsLinks(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img" and is_remote(child.get("src", "")):
                    link = ElementTree.Element("a", {"href": child.get("src", "")})
                    if child.get("title"):
                        link.set("title", child.get("title", ""))
                    link.text = child.get("alt") or child.get("src", "")
                    link.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, link)


class RemoteImagesAsLinks(Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_RemoteImagesAsLinks(md), "remote_images_as_links", 0)


EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br", RemoteImagesAsLinks()]


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Raw <img> HTML bypasses the tree: a remote source is dropped, so nothing is fetched.
    if tag == "img" and attribute == "src" and is_remote(value):
        return None
    return value


_local = threading.local()


def _renderer() -> markdown_lib.Markdown:
    """This thread's Markdown instance: building one (extensions, patterns) cost as much as rendering a memo."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
    return renderer


def render_markdown(text: str) -> SafeString:
    """HTML for `text`: scripts, event handlers, styles, javascript: links and remote images never survive."""
    text = text or ""
    html = _render_cached(text) if len(text) <= CACHED_UP_TO else _render(text)
    return mark_safe(html)  # noqa: S308 - sanitized in _render


CACHED_UP_TO = 20_000  # characters; the cache holds at most 4,096 × this


def _render(text: str) -> str:
    html = _renderer().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter,
    )


# Rendered once per text: a memo revision, a chat message or a reply is rendered on its first showing and served
# from here after, until it falls out of the 4,096 most recent.
_render_cached = lru_cache(maxsize=4096)(_render)
