"""An export zip is untrusted input: bombs, lies and bad fields are refused with a message, nothing half-imported
and no file left behind."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import site_settings
from memos.models import Diary, Memo, Resource
from memos.notes import services
from memos.portability.archive import import_user

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
NOW = "2026-11-20T10:00:00+00:00"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def memo(content="hello #import", **overrides) -> dict:
    item = {"content": content, "tags": ["a"], "pinned": False, "is_archived": False, "is_deleted": False,
            "deleted_at": None, "diary_date": None, "created_at": NOW, "updated_at": NOW,
            "revisions": [{"revision_number": 1, "content": content, "tags": ["a"], "ai_summary": "",
                           "is_deleted": False, "created_at": NOW}],
            "resources": []}  # fmt: skip
    item.update(overrides)
    return item


def export(memos=(), diaries=(), files=None, compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    manifest = {"format": "quillium-memos", "version": 1, "memos": list(memos), "diaries": list(diaries)}
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("quillium.json", json.dumps(manifest))
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def zeros_entry(archive: zipfile.ZipFile, name: str, mebibytes: int) -> None:
    block = bytes(MIB)
    with archive.open(name, "w", force_zip64=True) as entry:
        for _ in range(mebibytes):
            entry.write(block)


def test_a_zip_bomb_of_1000_mib_is_refused_at_once(alice, media_root):
    buffer = io.BytesIO()
    attachment = {"id": "bomb", "filename": "zeros.bin", "metadata": {}}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("quillium.json", json.dumps({"format": "quillium-memos", "version": 1,
                         "memos": [memo(resources=[attachment])], "diaries": []}))  # fmt: skip
        zeros_entry(archive, "files/bomb", 1000)
    assert buffer.tell() < 2 * MIB
    buffer.seek(0)

    started = time.monotonic()
    with pytest.raises(ValidationError, match="at most|times its size"):
        import_user(alice, buffer)

    assert time.monotonic() - started < 5  # refused from the headers, never unpacked
    assert not Memo.objects.exists() and stored_files(media_root) == []


def test_an_archive_unpacking_past_the_site_limit_is_refused(alice):
    site_settings.set_value("import_max_bytes", MIB)
    buffer = export([memo()], files={f"files/{n}": bytes(range(256)) * 1024 for n in range(8)},
                    compression=zipfile.ZIP_STORED)  # fmt: skip

    with pytest.raises(ValidationError, match="this server imports at most 1,048,576"):
        import_user(alice, buffer)


def test_a_ratio_over_100_to_1_is_refused(alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("quillium.json", json.dumps({"format": "quillium-memos", "version": 1, "memos": [],
                         "diaries": []}))  # fmt: skip
        zeros_entry(archive, "files/padding", 5)
    buffer.seek(0)

    with pytest.raises(ValidationError, match="100 times its size"):
        import_user(alice, buffer)


def test_more_than_10000_entries_are_refused(alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(10_001):
            archive.writestr(f"files/{n}", b"")
    buffer.seek(0)

    with pytest.raises(ValidationError, match="10,001 entries"):
        import_user(alice, buffer)


def test_an_entry_larger_than_the_upload_limit_is_refused(alice, media_root):
    site_settings.set_value("upload_max_bytes", 4096)
    attachment = {"id": "big", "filename": "big.txt", "metadata": {}}

    with pytest.raises(ValidationError, match="at most 4,096"):
        import_user(alice, export([memo(resources=[attachment])], files={"files/big": b"x" * 5000}))
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("item", "where"),
    [
        (memo(content="x" * 200_001), "memos[0].content"),
        (memo(content="nul \x00 inside"), "memos[0].content"),
        (memo(tags=["t" * 65]), "memos[0].tags"),
        (memo(resources=[{"id": "1", "filename": "n" * 256, "metadata": {}}]), "memos[0].resources"),
        (memo(revisions=[memo()["revisions"][0], memo()["revisions"][0]]), "memos[0].revisions"),
        (memo(revisions=[{**memo()["revisions"][0], "revision_number": -1}]), "memos[0].revisions"),
        (memo(revisions=[{**memo()["revisions"][0], "content": "y" * 200_001}]), "memos[0].revisions"),
        (memo(created_at="yesterday"), "memos[0].created_at"),
        (memo(pinned="maybe"), "memos[0].pinned"),
        ({"content": "only text"}, "memos[0]"),
    ],
)
def test_every_field_is_checked(alice, item, where):
    services.memo_create(owner=alice, content="keep")

    with pytest.raises(ValidationError) as refused:
        import_user(alice, export([item]))

    assert where in refused.value.messages[0]
    assert list(Memo.objects.values_list("content", flat=True)) == ["keep"]


@pytest.mark.parametrize(
    "diary",
    [
        {"mood_score": -3},
        {"mood_score": 9},
        {"mood_key": "k" * 33},
        {"generation_source": "oracle"},
        {"summary": "nul\x00"},
    ],
)
def test_diary_fields_are_checked(alice, diary):
    base = {"date": "2026-11-20", "summary": "ok", "mood_key": "calm", "mood_score": 3,
            "generation_source": "manual", "auto_generation_locked": True, "is_deleted": False}  # fmt: skip

    with pytest.raises(ValidationError, match=r"diaries\[0\]"):
        import_user(alice, export([], [{**base, **diary}]))
    assert not Diary.objects.exists()


def test_json_nested_too_deep_is_refused(alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("quillium.json", "[" * 20_000 + "]" * 20_000)
    buffer.seek(0)

    with pytest.raises(ValidationError, match="not valid JSON|nests too deep"):
        import_user(alice, buffer)


def test_an_encrypted_or_corrupt_entry_is_a_validation_error(alice):
    buffer = export([memo()])
    data = bytearray(buffer.getvalue())
    start = data.index(b"quillium.json") + len("quillium.json")
    data[start + 5 : start + 25] = b"\xff" * 20  # damage the compressed manifest
    with pytest.raises(ValidationError):
        import_user(alice, io.BytesIO(bytes(data)))


def test_imported_memos_are_embedded_and_announced_like_new_ones(alice, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from memos import signals

    announced = []

    def listener(sender, memo_id, user_id, **kwargs):
        announced.append(memo_id)

    signals.memo_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_user(alice, export([memo("first"), memo("second", is_deleted=True)]))
    finally:
        signals.memo_changed.disconnect(listener)

    memos = set(Memo.objects.filter(owner=alice).values_list("pk", flat=True))
    assert set(announced) == memos
    tasks = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks.count("memos.tasks.embed_memo") == 2
    assert tasks.count("memos.tasks.purge_if_expired") == 1
    assert Memo.objects.get(content="second").deleted_at is not None


def test_a_rolled_back_import_leaves_no_file(alice, media_root):
    attachments = [{"id": "one", "filename": "one.txt", "metadata": {}},
                   {"id": "two", "filename": "two.txt", "metadata": {}}]  # fmt: skip

    with pytest.raises(ValidationError, match="lacks the file"):
        import_user(alice, export([memo(resources=attachments)], files={"files/one": b"first file"}))

    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


def test_a_refused_upload_leaves_no_file(client, alice, media_root):
    client.force_login(alice)
    good = SimpleUploadedFile("good.txt", b"plain text", content_type="text/plain")
    liar = SimpleUploadedFile("liar.png", b"not a png at all", content_type="image/png")

    response = client.post("/memos/new/", {"content": "two files", "files": [good, liar]})

    assert response.status_code == 400
    assert not Memo.objects.exists() and not Resource.objects.exists()
    assert stored_files(media_root) == []


def test_the_settings_page_reports_a_refused_import(client, alice):
    client.force_login(alice)
    archive = SimpleUploadedFile("bad.zip", export([memo(content="x" * 200_001)]).getvalue())

    response = client.post("/memos/import/", {"archive": archive}, follow=True)

    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not Memo.objects.exists()
