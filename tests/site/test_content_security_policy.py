"""Every page carries a CSP: only this site's scripts (with the response's nonce) and images from here only."""

import re

import pytest

from memos.notes import services
from quillium_site.markdown import render_markdown

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/settings/", "/memos/", "/chats/", "/admin/", "/api/docs/"]


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_strict_policy(admin_client, url):
    response = admin_client.get(url)

    assert response.status_code == 200
    directives = policy(response)
    assert directives["img-src"] == "img-src 'self' data: blob:"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "object-src 'none'"


def test_scripts_carry_the_nonce_of_their_response(alice, client):
    client.force_login(alice)

    first, second = client.get("/memos/"), client.get("/memos/")

    nonce = re.search(r"'nonce-([^']+)'", policy(first)["script-src"]).group(1)
    scripts = re.findall(r"<script[^>]*>", first.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert nonce not in policy(second)["script-src"]


def test_a_remote_image_in_a_memo_is_shown_as_a_link(alice, client):
    memo = services.memo_create(owner=alice, content="look ![a cat](http://other-host.test/cat.png)")
    client.force_login(alice)

    page = client.get(f"/memos/{memo.pk}/").content.decode()

    assert 'src="http://other-host.test' not in page
    assert 'href="http://other-host.test/cat.png"' in page


@pytest.mark.parametrize(
    ("markdown", "kept", "dropped"),
    [
        ("![x](http://other-host.test/a.png)", '<a href="http://other-host.test/a.png"', "<img"),
        ("![x](https://other-host.test/a.png 'T')", 'title="T"', "<img"),
        ("![x](//other-host.test/a.png)", 'href="//other-host.test/a.png"', "<img"),
        ('<img src="https://other-host.test/raw.png" alt="raw">', '<img alt="raw">', "other-host"),
        ("![ours](/memos/files/abc/)", '<img alt="ours" src="/memos/files/abc/">', "<a "),
    ],
)
def test_markdown_images_load_only_from_this_site(markdown, kept, dropped):
    html = render_markdown(markdown)

    assert kept in html
    assert dropped not in html


def test_signed_out_pages_and_hsts_without_https(client):
    response = client.get("/accounts/login/")

    assert policy(response)["img-src"] == "img-src 'self' data: blob:"
    assert "Strict-Transport-Security" not in response


def test_django_debug_pages_get_a_policy_too(settings, alice):
    """Django switches CSP off on its debug 404 and 500 pages (for their inline style and script); they get one
    that lets nothing load, leave or frame them."""
    from django.test import Client

    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    missing = client.get("/memos/no-such-page/")

    assert missing.status_code == 404 and "Using the URLconf" in missing.content.decode()  # the debug page
    directives = policy(missing)
    assert directives["default-src"] == "default-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"


def test_the_debug_500_page_gets_that_policy(rf):
    import sys

    from django.views.debug import technical_500_response

    from quillium_site.middleware import DEBUG_PAGE_CSP, RequestGuardMiddleware

    def broken(request):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            return technical_500_response(request, *sys.exc_info())

    response = RequestGuardMiddleware(broken)(rf.get("/memos/"))

    assert response.status_code == 500 and response["Content-Security-Policy"] == DEBUG_PAGE_CSP
