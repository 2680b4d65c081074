"""Real-browser tests: Playwright driving Debian's Chromium (`.ci/run` installs it; never `playwright install`)."""

from __future__ import annotations

import os
import shutil
import time

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


@pytest.fixture(autouse=True)
def _browser_quiet_before_flush(request: pytest.FixtureRequest):
    """Close every browser context a test opened and let its last requests finish before the database is emptied.

    Signed-in pages sync their offline notes on load; a context left open keeps firing at the live server, and a
    request still writing when the flush's TRUNCATE runs can deadlock it (seen in CI). Requesting transactional_db
    here makes this teardown run before the flush.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    browser = request.getfixturevalue("browser")
    yield
    for context in browser.contexts:
        context.close()
    _wait_for_other_sessions_to_settle()


def _wait_for_other_sessions_to_settle(timeout: float = 10.0) -> None:
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state IN ('active', 'idle in transaction')"
            )
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.05)
