import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import site_settings
from memos.models import Resource
from memos.notes import services

pytestmark = pytest.mark.django_db

RESOURCES = "/api/v1/resources/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, name, data, content_type, **extra):
    return client.post(RESOURCES, {"file": SimpleUploadedFile(name, data, content_type), **extra}, format="multipart")


def test_an_image_is_stored_with_its_detected_type_and_size(alice_api, alice, media_root):
    memo = services.memo_create(owner=alice, content="with a picture")

    response = upload(alice_api, "cat.png", png(), "image/png", memo=str(memo.pk))

    assert response.status_code == 201
    body = response.json()
    assert (body["mime_type"], body["resource_type"], body["metadata"]) == (
        "image/png",
        "image",
        {"width": 40, "height": 30},
    )
    assert body["memo"] == str(memo.pk) and body["storage_type"] == "local"
    resource = Resource.objects.get(pk=body["id"])
    assert os.path.exists(media_root / resource.file.name)


def test_the_clients_content_type_is_not_trusted(alice_api):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

    lying = upload(alice_api, "cat.png", pdf, "image/png")
    vague = upload(alice_api, "paper", pdf, "application/octet-stream")

    assert lying.status_code == 400
    assert "its content is application/pdf" in lying.json()["detail"]
    assert vague.status_code == 201 and vague.json()["mime_type"] == "application/pdf"
    assert Resource.objects.count() == 1


def test_an_oversized_file_is_refused(alice_api):
    site_settings.set_value("upload_max_bytes", 1024)

    response = upload(alice_api, "big.txt", b"x" * 1025, "text/plain")

    assert response.status_code == 400
    assert "at most 1,024 bytes" in response.json()["detail"]
    assert not Resource.objects.exists()


def test_downloads_are_for_the_owner_or_a_signed_link(alice_api, bob_api, api):
    resource_id = upload(alice_api, "notes.txt", "hello 日记".encode(), "text/plain").json()["id"]

    mine = alice_api.get(f"{RESOURCES}{resource_id}/download/")
    theirs = bob_api.get(f"{RESOURCES}{resource_id}/download/")
    link = alice_api.get(f"{RESOURCES}{resource_id}/link/").json()["url"]
    shared = api.get(link.removeprefix("http://testserver"))
    forged = api.get(link.removeprefix("http://testserver")[:-3] + "xx/")

    assert mine.status_code == 200 and b"".join(mine.streaming_content) == "hello 日记".encode()
    assert mine["Content-Type"] == "text/plain" and mine["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in mine["Content-Security-Policy"]
    assert theirs.status_code == 404
    assert shared.status_code == 200
    assert forged.status_code == 404


def test_svg_is_downloaded_not_shown(alice_api):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    resource_id = upload(alice_api, "x.svg", svg, "image/svg+xml").json()["id"]

    response = alice_api.get(f"{RESOURCES}{resource_id}/download/")

    assert response["Content-Disposition"].startswith("attachment")


def test_trashing_a_memo_hides_its_files_and_purging_deletes_them(
    alice_api, alice, media_root, django_capture_on_commit_callbacks
):
    memo = services.memo_create(owner=alice, content="doomed")
    resource_id = upload(alice_api, "a.png", png(), "image/png", memo=str(memo.pk)).json()["id"]
    path = media_root / Resource.objects.get(pk=resource_id).file.name

    services.memo_trash(memo, user=alice)
    assert alice_api.get(f"{RESOURCES}{resource_id}/download/").status_code == 404
    services.memo_restore(memo, user=alice)
    assert alice_api.get(f"{RESOURCES}{resource_id}/download/").status_code == 200
    services.memo_trash(memo, user=alice)

    with django_capture_on_commit_callbacks(execute=True):
        services.memo_purge(memo)
        assert path.exists()  # nothing is removed from storage before the transaction commits

    assert not Resource.objects.filter(pk=resource_id).exists()
    assert not path.exists()


def test_another_users_memo_cannot_receive_uploads(alice_api, bob):
    bobs = services.memo_create(owner=bob, content="bob's")

    response = upload(alice_api, "a.png", png(), "image/png", memo=str(bobs.pk))

    assert response.status_code == 404
    assert not Resource.objects.exists()
