"""Admin edits take the same road as every other write: the owning app's services (history, rules, files)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ai.models import UserTokenLimit
from chats import services as chat_services
from chats.models import Chat, Folder, Message
from gamestats.models import DiscordUser, Guild
from memos.files import services as file_services
from memos.models import Diary, Memo, MemoRevision, Resource
from memos.notes import services as memo_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def memo_form(memo: Memo, **changes) -> dict:
    form = {"pinned": memo.pinned, "is_archived": memo.is_archived, "is_deleted": memo.is_deleted,
            "diary_date": memo.diary_date or "", "visibility": memo.visibility}  # fmt: skip
    form.update(changes)
    form.update({"revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0})
    return {name: value for name, value in form.items() if value is not False}


def test_trashing_a_memo_in_the_admin_records_a_revision_and_dates_it(admin_client, alice, staff):
    memo = memo_services.memo_create(owner=alice, content="old notes")

    response = admin_client.post(f"/admin/memos/memo/{memo.pk}/change/", memo_form(memo, is_deleted="on"))

    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.is_deleted and memo.deleted_at is not None
    latest = MemoRevision.objects.filter(memo=memo).order_by("-revision_number").first()
    assert (latest.revision_number, latest.is_deleted, latest.user) == (2, True, staff)


def test_restoring_and_pinning_in_the_admin(admin_client, alice):
    memo = memo_services.memo_trash(memo_services.memo_create(owner=alice, content="x"), user=alice)

    admin_client.post(f"/admin/memos/memo/{memo.pk}/change/", memo_form(memo, is_deleted=False, pinned="on"))

    memo.refresh_from_db()
    assert not memo.is_deleted and memo.deleted_at is None and memo.pinned
    assert memo.revision_count == 3


def test_deleting_a_memo_in_the_admin_removes_its_files(admin_client, alice, django_capture_on_commit_callbacks):
    memo = memo_services.memo_create(owner=alice, content="with a file")
    upload = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    name = file_services.resource_upload(owner=alice, upload=upload, memo=memo).file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/memos/memo/{memo.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Memo.objects.filter(pk=memo.pk).exists()
    assert not Resource.objects.exists()
    assert not default_storage.exists(name)


def test_deleting_an_attachment_in_the_admin_removes_its_file(admin_client, alice, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    resource = file_services.resource_upload(owner=alice, upload=upload)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/memos/resource/{resource.pk}/delete/", {"post": "yes"})

    assert not default_storage.exists(resource.file.name)


def test_a_diary_edited_in_the_admin_is_locked_against_generation(admin_client, alice):
    diary = Diary.objects.create(owner=alice, date=date(2026, 11, 1), summary="generated", generation_source="ai")

    admin_client.post(f"/admin/memos/diary/{diary.pk}/change/", {"summary": "fixed by hand", "mood_key": "calm"})

    diary.refresh_from_db()
    assert diary.summary == "fixed by hand" and diary.auto_generation_locked


def test_the_admin_renames_chats_through_the_service(admin_client, alice):
    chat = chat_services.chat_create(owner=alice)

    admin_client.post(f"/admin/chats/chat/{chat.pk}/change/", {"title": "  Trip plans  ", "model": "",
                      "system_prompt": "", "folder": "",
                      "messages-TOTAL_FORMS": 0, "messages-INITIAL_FORMS": 0})  # fmt: skip

    chat.refresh_from_db()
    assert (chat.title, chat.title_source) == ("Trip plans", Chat.TitleSource.MANUAL)


def test_the_admin_refuses_filing_a_chat_in_another_users_folder(admin_client, alice, bob):
    chat = chat_services.chat_create(owner=alice)
    bobs = Folder.objects.create(owner=bob, name="Bob's")

    response = admin_client.post(f"/admin/chats/chat/{chat.pk}/change/", {"title": "t", "folder": bobs.pk,
                                 "messages-TOTAL_FORMS": 0, "messages-INITIAL_FORMS": 0})  # fmt: skip

    chat.refresh_from_db()
    assert chat.folder is None and chat.title != "t"
    assert response.status_code == 302
    assert "No such folder" in admin_client.get(response.url).content.decode()


def test_messages_are_read_only_in_the_admin(admin_client, alice):
    chat = chat_services.chat_create(owner=alice)
    message = Message.objects.create(chat=chat, role="user", content="hi")

    response = admin_client.post(f"/admin/chats/message/{message.pk}/change/", {"content": "rewritten"})

    message.refresh_from_db()
    assert response.status_code == 403 and message.content == "hi"


def test_token_limits_in_the_admin_go_through_the_service(admin_client, alice):
    response = admin_client.post("/admin/ai/usertokenlimit/add/", {"user": alice.pk, "daily_tokens": 500})

    assert response.status_code == 302
    limit = UserTokenLimit.objects.get(user=alice)
    assert limit.daily_tokens == 500
    admin_client.post(f"/admin/ai/usertokenlimit/{limit.pk}/delete/", {"post": "yes"})
    assert not UserTokenLimit.objects.exists()


def test_lifting_a_blacklist_in_the_admin_clears_the_reason(admin_client):
    user = DiscordUser.objects.create(discord_id="123456789012345678", is_blacklisted=True, blacklist_reason="spam")

    admin_client.post(f"/admin/gamestats/discorduser/{user.pk}/change/", {"blacklist_reason": "spam",
                      "api_usage-TOTAL_FORMS": 0, "api_usage-INITIAL_FORMS": 0,
                      "game_stats-TOTAL_FORMS": 0, "game_stats-INITIAL_FORMS": 0})  # fmt: skip

    user.refresh_from_db()
    assert not user.is_blacklisted and user.blacklist_reason == ""


def test_models_have_no_hidden_save_side_effects():
    guild = Guild(discord_id="123456789012345678", name="g", is_blacklisted=False, blacklist_reason="kept")
    guild.save()

    guild.refresh_from_db()
    assert guild.blacklist_reason == "kept"
