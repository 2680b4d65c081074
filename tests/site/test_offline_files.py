"""What makes Quillium installable and offline, as the test client sees it: the manifest, the service worker served
from the root with its scope allowed, the offline page, and sign-out clearing the device's copies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from quillium_site.offline import OFFLINE_PAGES, person_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(alice) -> Client:
    signed_in = Client()
    signed_in.force_login(alice)
    return signed_in


def test_the_manifest_makes_an_installable_app(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="ja")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["start_url"] == "/memos/"
    assert (
        manifest["lang"] == "ja"
        and manifest["description"] != "Notes, chats with language models and your audio library, in one place."
    )
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")
    }  # fmt: skip


def test_the_service_worker_comes_from_the_root_with_its_configuration(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    source = response.content.decode()
    config = json.loads(source.split("self.QUILLIUM = ", 1)[1].split(";\n", 1)[0])
    assert config["offline"] == "/offline/" and config["pages"] == OFFLINE_PAGES
    assert {"/api/", "/admin/", "/accounts/"} <= set(config["never"])
    for url in config["shell"]:  # every shell file exists (the worker's install fails on one that doesn't)
        assert Client().get(url).status_code == 200, url


def test_pages_name_the_person_and_signed_out_pages_no_one(client, alice_client, alice, bob):
    assert 'name="quillium-person"' not in client.get("/").content.decode()
    page = alice_client.get("/memos/").content.decode()
    assert f'<meta name="quillium-person" content="{person_key(alice)}">' in page
    assert person_key(alice) != person_key(bob) and len(person_key(alice)) == 20  # an HMAC of the id, not the id


def test_signing_out_clears_the_devices_copies(alice_client):
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_signing_out_everywhere_clears_this_devices_copies_too(alice_client):
    response = alice_client.post("/accounts/settings/sign-out-everywhere/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_names_no_one(alice_client):
    page = alice_client.get("/offline/").content.decode()
    assert "quillium-person" not in page and "Alice" not in page
