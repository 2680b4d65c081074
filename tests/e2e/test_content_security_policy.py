"""In a real browser, a memo with remote images fetches nothing from the other host, and the CSP blocks any image
that slips into the page; the site's own scripts still run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from memos.notes import services
from tests.e2e.helpers import sign_in


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_host() -> Iterator[tuple[str, list[str]]]:
    """Another origin on loopback that records every request it gets."""
    handler = type("Handler", (_CountingHandler,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", handler.hits
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_remote_images_are_never_fetched(live_server, page: Page, alice, password, other_host):
    origin, hits = other_host
    memo = services.memo_create(
        owner=alice, content=f'tracked ![pixel]({origin}/md.gif) <img src="{origin}/raw.gif" alt="raw">'
    )
    sign_in(page, live_server.url, alice.email, password)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))

    page.goto(f"{live_server.url}/memos/{memo.pk}/")
    expect(page.get_by_role("link", name="pixel")).to_have_attribute("href", f"{origin}/md.gif")
    page.evaluate(
        """origin => { const img = document.createElement("img"); img.src = origin + "/injected.gif";
        document.body.append(img); }""",
        origin,
    )
    page.wait_for_timeout(500)

    assert hits == []
    assert any("Content Security Policy" in text for text in violations)


@pytest.mark.django_db(transaction=True)
def test_the_sites_own_scripts_run_under_the_policy(live_server, page: Page, alice, password):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server.url, alice.email, password)

    page.goto(f"{live_server.url}/memos/")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Quillium API")

    assert not [text for text in errors if "Content Security Policy" in text]
