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
    """Close every browser context a test opened and let the servers' last queries finish before the database is
    emptied.

    Signed-in pages sync their offline notes on load and a stopped chat reply is still being written; a request
    writing when the flush's TRUNCATE runs deadlocks it (seen in CI, for the live server and the ASGI one alike).
    Requesting transactional_db here makes this teardown run before the flush.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (
        {"live_server", "transactional_db"} & set(request.fixturenames) or marker and marker.kwargs.get("transaction")
    ):
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
    quiet = 0
    with connection.cursor() as cursor:
        while quiet < 3 and time.monotonic() < deadline:  # three quiet looks in a row: a request just read may query
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state IN ('active', 'idle in transaction')"
            )
            quiet = 0 if cursor.fetchone()[0] else quiet + 1
            time.sleep(0.05)
