import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.models import Diary, Memo, Resource
from memos.notes import services
from memos.portability.archive import export_user, import_user
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot(user):
    """Everything a user would miss if it were lost, without ids."""
    memos = []
    for memo in Memo.objects.filter(owner=user).order_by("created_at"):
        memos.append(
            (
                memo.content,
                memo.tags,
                memo.pinned,
                memo.is_archived,
                memo.is_deleted,
                memo.diary_date,
                memo.revision_count,
                memo.created_at,
                [
                    (r.revision_number, r.content, r.tags, r.is_deleted, r.created_at)
                    for r in memo.revisions.order_by("revision_number")
                ],
                [(f.filename, f.mime_type, f.file.read()) for f in memo.resources.order_by("created_at")],
            )
        )
    diaries = list(Diary.objects.filter(owner=user).values_list("date", "summary", "mood_key", "mood_score"))
    return memos, diaries


def test_export_then_import_into_a_fresh_user_gives_identical_content(alice):
    memo = services.memo_create(owner=alice, content="first #a", tags_given=["x"])
    services.memo_update(memo, user=alice, base_revision=1, content="second #a")
    file_services.resource_upload(
        owner=alice, upload=SimpleUploadedFile("n.txt", "日记 notes".encode(), "text/plain"), memo=memo
    )
    trashed = services.memo_create(owner=alice, content="in the trash")
    services.memo_trash(trashed, user=alice)
    diary_services.diary_write(owner=alice, day=date(2026, 11, 20), summary="Good day", mood_key="happy", mood_score=5)
    buffer = io.BytesIO()

    counts = export_user(alice, buffer)
    newcomer = UserFactory(email="newcomer@example.com")
    buffer.seek(0)
    imported = import_user(newcomer, buffer)

    assert counts == imported == {"memos": 2, "revisions": 4, "files": 1, "diaries": 1}
    assert snapshot(newcomer) == snapshot(alice)
    assert not set(Memo.objects.filter(owner=newcomer).values_list("pk", flat=True)) & set(
        Memo.objects.filter(owner=alice).values_list("pk", flat=True)
    )


def test_a_broken_export_changes_nothing(alice):
    buffer = io.BytesIO()
    services.memo_create(owner=alice, content="keep")
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("quillium.json", '{"format": "quillium-memos", "version": 1, "memos": [{"content": "x"}]}')
    buffer.seek(0)

    with pytest.raises(ValidationError, match=r"invalid at memos\[0\]"):
        import_user(alice, buffer)
    with pytest.raises(ValidationError):
        import_user(alice, io.BytesIO(b"not a zip"))

    assert list(Memo.objects.values_list("content", flat=True)) == ["keep"]
    assert not Resource.objects.exists()


def test_the_commands_round_trip(alice, tmp_path, capsys):
    services.memo_create(owner=alice, content="via the command line")
    UserFactory(email="moved@example.com")
    target = tmp_path / "alice.zip"

    call_command("export_user", "alice@example.com", str(target))
    call_command("import_user", "moved@example.com", str(target))

    output = capsys.readouterr().out
    assert "Exported 1 memos, 1 revisions, 0 files, 0 diaries" in output
    assert "Imported 1 memos" in output
    assert Memo.objects.filter(owner__email="moved@example.com").get().content == "via the command line"
    with pytest.raises(CommandError):
        call_command("export_user", "nobody@example.com", str(target))


def test_download_and_upload_from_the_settings_page(client, alice, bob):
    services.memo_create(owner=alice, content="portable #notes")
    client.force_login(alice)

    settings_page = client.get("/accounts/settings/").content.decode()
    download = client.get("/memos/export/")
    archive = b"".join(download.streaming_content)
    client.force_login(bob)
    uploaded = client.post("/memos/import/", {"archive": SimpleUploadedFile("a.zip", archive, "application/zip")})
    refused = client.post("/memos/import/", {"archive": SimpleUploadedFile("b.zip", b"nope", "application/zip")})

    assert "Download my notes" in settings_page
    assert download["Content-Disposition"].startswith('attachment; filename="quillium-memos-')
    assert uploaded.status_code == 302 and refused.status_code == 302
    assert list(Memo.objects.filter(owner=bob).values_list("content", flat=True)) == ["portable #notes"]
