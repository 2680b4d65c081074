"""Real-browser tests: Playwright driving Debian's Chromium (`.ci/run` installs it; never `playwright install`)."""

from __future__ import annotations

import os
import shutil

import pytest

# live_server builds the test database inside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the browser tests, but no Chromium is installed (see .ci/run).")
    skip = pytest.mark.skip(reason="No Chromium found; install Debian's `chromium` package (CI does).")
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
