from __future__ import annotations

from pathlib import Path

import pytest

from library import scanner
from tests.library.disk import work


@pytest.fixture
def library_root(tmp_path, settings) -> Path:
    root = tmp_path / "voice"
    root.mkdir()
    settings.LIBRARY_ROOTS = {"voice": str(root)}
    return root


@pytest.fixture
def shelf(library_root: Path) -> Path:
    """Two scanned works: an older one by Moonlit, a newer one by Tide voiced by Aoi."""
    work(library_root, "RJ01111111 Rain", sidecar={"code": "RJ01111111", "circle": "Moonlit", "tags": ["sleep"],
                                                  "release": "2024-01-01", "price": 990, "dl_count": 50})  # fmt: skip
    work(library_root, "RJ02222222 Sea", sidecar={"circle": "Tide", "tags": ["sea"], "release": "2025-01-01",
                                                 "price": 440, "dl_count": 900, "vas": ["Aoi"]})  # fmt: skip
    scanner.scan()
    return library_root
