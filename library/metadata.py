"""Store metadata for works with a DLsite code, behind a small interface so another source can stand in. Off unless
LIBRARY_METADATA_URL is set; what is on disk always wins (see `fill`), and staff edits are never overwritten."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import httpx2
from bs4 import BeautifulSoup, Tag
from django.conf import settings

from library.folders import FolderInfo

logger = logging.getLogger(__name__)

# Labels of the work outline table on a Japanese store page.
AGE_RATING, GENRE, VOICE, RELEASE = "年齢指定", "ジャンル", "声優", "販売日"
TITLE_SUFFIX = re.compile(r"\s*(\[[^\]]+\])?\s*\|\s*DLsite.*$")


@dataclass
class StoreMetadata:
    """What a store says about a work; None/empty where it said nothing."""

    title: str = ""
    circle: str = ""
    tags: list[str] = field(default_factory=list)
    vas: list[str] = field(default_factory=list)
    release: date | None = None
    nsfw: bool | None = None
    price: int | None = None
    dl_count: int | None = None
    review_count: int | None = None
    rate_count: int | None = None
    rate_average_2dp: float | None = None
    rate_count_detail: list[Any] = field(default_factory=list)
    rank: list[Any] | None = None


class MetadataError(Exception):
    """The store could not be asked or did not answer usefully (the scan keeps the local metadata)."""


class MetadataSource(Protocol):
    def fetch(self, code: str) -> StoreMetadata: ...


def _outline(soup: BeautifulSoup, label: str) -> Tag | None:
    for header in soup.select("#work_outline th"):
        if header.get_text(strip=True) == label:
            cell = header.find_next_sibling("td")
            return cell if isinstance(cell, Tag) else None
    return None


def parse_work_page(html: str) -> StoreMetadata:
    """Title, circle, genres, voice actors, release and age rating from a store work page."""
    soup = BeautifulSoup(html, "html.parser")
    meta = StoreMetadata()
    title = soup.select_one('meta[property="og:title"]')
    heading = soup.select_one("#work_name")
    raw_title = str(title.get("content", "")) if title else (heading.get_text(strip=True) if heading else "")
    meta.title = TITLE_SUFFIX.sub("", raw_title).strip()
    maker = soup.select_one("span.maker_name a")
    meta.circle = maker.get_text(strip=True) if maker else ""
    if (cell := _outline(soup, GENRE)) is not None:
        meta.tags = [a.get_text(strip=True) for a in cell.select("a") if a.get_text(strip=True)]
    if (cell := _outline(soup, VOICE)) is not None:
        meta.vas = [a.get_text(strip=True) for a in cell.select("a") if a.get_text(strip=True)]
    if (cell := _outline(soup, RELEASE)) is not None:
        digits = re.findall(r"\d+", cell.get_text())
        if len(digits) >= 3:
            try:
                meta.release = date(int(digits[0]), int(digits[1]), int(digits[2]))
            except ValueError:
                meta.release = None
    if (cell := _outline(soup, AGE_RATING)) is not None:
        meta.nsfw = "18" in cell.get_text()
    if not (meta.title or meta.tags or meta.vas):
        raise MetadataError("The work page had none of the expected fields (is it a store work page?).")
    return meta


def _number(value: Any, kind: type = int) -> Any:
    try:
        return kind(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_work_info(data: Any, code: str) -> dict[str, Any]:
    """Sales, price and ratings from the store's product info JSON (`{code: {...}}`)."""
    info = data.get(code) if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return {}
    detail = info.get("rate_count_detail")
    rank = info.get("rank")
    return {
        "dl_count": _number(info.get("dl_count")),
        "price": _number(info.get("price")),
        "review_count": _number(info.get("review_count")),
        "rate_count": _number(info.get("rate_count")),
        "rate_average_2dp": _number(info.get("rate_average_2dp"), float),
        "rate_count_detail": detail if isinstance(detail, list) else [],
        "rank": rank if isinstance(rank, list) and rank else None,
    }


class DLsiteStyleSource:
    """A site laid out like DLsite: `/maniax/work/=/product_id/<code>.html` and `/maniax/product/info/ajax`."""

    def __init__(self, base_url: str, timeout: float = 10.0, client: httpx2.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx2.Client(
            timeout=timeout, follow_redirects=True, headers={"Cookie": "locale=ja-jp", "User-Agent": "Quillium"}
        )

    def fetch(self, code: str) -> StoreMetadata:
        try:
            page = self.client.get(f"{self.base_url}/maniax/work/=/product_id/{code}.html")
            page.raise_for_status()
            meta = parse_work_page(page.text)
            info = self.client.get(f"{self.base_url}/maniax/product/info/ajax", params={"product_id": code})
            info.raise_for_status()
            numbers = parse_work_info(info.json(), code)
        except (httpx2.HTTPError, ValueError) as error:
            raise MetadataError(f"{code}: the store did not answer usefully ({error}).") from error
        for name, value in numbers.items():
            setattr(meta, name, value)
        return meta


def source_from_settings() -> MetadataSource | None:
    """The configured source, or None when store metadata is off (the default)."""
    url = getattr(settings, "LIBRARY_METADATA_URL", "")
    return DLsiteStyleSource(url, settings.LIBRARY_METADATA_TIMEOUT) if url else None


def fill(info: FolderInfo, meta: StoreMetadata) -> FolderInfo:
    """Local first: the store fills only what the folder name, its sidecar and its audio tags left empty; the store's
    own figures (ratings, rank) have no local source and are taken as they are."""
    if meta.title and info.title == info.code:
        info.title = meta.title[:500]
    if meta.circle and not info.circle:
        info.circle = meta.circle[:255]
    if meta.tags and not info.tags:
        info.tags = [tag[:100] for tag in meta.tags][:100]
    if meta.vas and not info.vas:
        info.vas = [va[:255] for va in meta.vas][:50]
    if meta.release and info.release is None:
        info.release = meta.release
    if meta.nsfw is not None and "nsfw" not in info.sidecar_keys:
        info.nsfw = meta.nsfw
    for name in ("price", "dl_count"):
        if getattr(meta, name) is not None and name not in info.sidecar_keys:
            setattr(info, name, getattr(meta, name))
    info.store = {
        name: getattr(meta, name)
        for name in ("review_count", "rate_count", "rate_average_2dp", "rate_count_detail", "rank")
        if getattr(meta, name) not in (None, [])
    }
    return info
