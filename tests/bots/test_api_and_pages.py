"""The bots API and pages: create, edit, reorder, delete; the thread under a memo; privacy and read-only guests."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bots import services, tasks
from bots.models import Bot, BotReply, DiaryPreference
from memos.notes import services as memo_services

pytestmark = pytest.mark.django_db

BOTS = "/api/v1/bots/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png")


def test_create_list_update_and_delete_a_bot(alice_api):
    created = alice_api.post(BOTS, {"name": "Sage", "tags": ["#Garden", "garden"], "description": "Calm."})
    bot_id = created.json()["id"]
    updated = alice_api.patch(f"{BOTS}{bot_id}/", {"auto_reply": True}, format="json")
    listed = alice_api.get(BOTS)
    deleted = alice_api.delete(f"{BOTS}{bot_id}/")

    assert created.status_code == 201 and created.json()["tags"] == ["garden"]
    assert updated.json()["auto_reply"] is True
    assert [bot["name"] for bot in listed.json()["results"]] == ["Sage"] and listed.json()["count"] == 1
    assert deleted.status_code == 204
    assert alice_api.get(BOTS).json()["results"] == [] and Bot.objects.get().is_deleted


@pytest.mark.parametrize(
    "payload",
    [{"name": ""}, {"name": "two words"}, {"name": "x" * 41}, {"name": "ok", "tags": "notalist"}, {"name": "a\x00b"}],
)
def test_bad_bots_are_a_400(alice_api, payload):
    assert alice_api.post(BOTS, payload, format="json").status_code == 400


def test_names_are_unique_per_user_case_insensitively(alice_api, bob_api):
    assert alice_api.post(BOTS, {"name": "Sage"}).status_code == 201
    assert alice_api.post(BOTS, {"name": "sage"}).status_code == 400
    assert bob_api.post(BOTS, {"name": "Sage"}).status_code == 201


def test_reorder(alice_api, alice):
    ids = [alice_api.post(BOTS, {"name": name}).json()["id"] for name in ("A", "B", "C")]

    response = alice_api.post(f"{BOTS}reorder/", {"order": [ids[2], ids[0]]}, format="json")

    assert [bot["name"] for bot in response.json()] == ["C", "A", "B"]
    assert alice_api.post(f"{BOTS}reorder/", {"order": [ids[0], ids[0]]}, format="json").status_code == 400


def test_avatar_upload_takes_images_only(alice_api):
    bot_id = alice_api.post(BOTS, {"name": "Sage"}).json()["id"]

    good = alice_api.post(f"{BOTS}{bot_id}/avatar/", {"avatar": png()}, format="multipart")
    bad = alice_api.post(
        f"{BOTS}{bot_id}/avatar/", {"avatar": SimpleUploadedFile("x.png", b"not an image")}, format="multipart"
    )

    assert good.status_code == 200 and good.json()["avatar"].endswith(".png")
    assert bad.status_code == 400


def test_another_users_bots_and_replies_are_invisible(alice, bob_api, fake_llm):
    bot = services.bot_create(owner=alice, name="Sage", tags=["garden"])
    memo = memo_services.memo_create(owner=alice, content="Roses #garden")
    services.replies_for_memo(memo.pk)
    reply = BotReply.objects.get()

    assert bob_api.get(f"{BOTS}{bot.pk}/").status_code == 404
    assert bob_api.patch(f"{BOTS}{bot.pk}/", {"name": "Mine"}).status_code == 404
    assert bob_api.get(f"/api/v1/bot-replies/{reply.pk}/").status_code == 404
    assert bob_api.get(f"/api/v1/memos/{memo.pk}/bot-replies/").status_code == 404
    assert (
        bob_api.post(f"/api/v1/memos/{memo.pk}/bot-replies/", {"bot": str(bot.pk), "question": "hi"}).status_code == 404
    )


def test_ask_a_follow_up_through_the_api(alice_api, alice, fake_llm):
    bot = services.bot_create(owner=alice, name="Sage")
    memo = memo_services.memo_create(owner=alice, content="Roses")
    url = f"/api/v1/memos/{memo.pk}/bot-replies/"

    asked = alice_api.post(url, {"bot": str(bot.pk), "question": "When to prune?"})
    tasks.write_reply.call(asked.json()["id"])
    thread = alice_api.get(url).json()["results"]

    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert thread[0]["status"] == "complete" and thread[0]["user_question"] == "When to prune?"
    assert alice_api.post(url, {"bot": str(bot.pk), "question": ""}).status_code == 400
    assert alice_api.post(url, {"bot": "00000000-0000-0000-0000-000000000000", "question": "x"}).status_code == 404


def test_guests_read_but_cannot_make_bots(guest_api):
    assert guest_api.get(BOTS).status_code == 200
    assert guest_api.post(BOTS, {"name": "Sage"}).status_code == 403


def test_diary_settings_and_generate_through_the_api(alice_api, alice, fake_llm):
    assert alice_api.get("/api/v1/ai-diaries/settings/").json()["enabled"] is False
    assert alice_api.put("/api/v1/ai-diaries/settings/", {"enabled": True}).json()["enabled"] is True
    assert DiaryPreference.objects.get(user=alice).enabled
    assert alice_api.put("/api/v1/ai-diaries/settings/", {}).status_code == 400  # found by the fuzzer

    assert alice_api.post("/api/v1/ai-diaries/2026-11-20/generate/").status_code == 202
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="bots.tasks.write_diary").count() == 1  # queued with its job
    assert alice_api.post("/api/v1/ai-diaries/yesterday/generate/").status_code == 404


def test_the_pages_create_edit_reorder_and_delete(client, alice):
    client.force_login(alice)

    assert client.get("/bots/").status_code == 200
    assert client.post("/bots/new/", {"name": "Sage", "tags": "garden, roses", "avatar": png()}).status_code == 302
    assert client.post("/bots/new/", {"name": "two words"}).status_code == 400
    client.post("/bots/new/", {"name": "Oak"})
    sage, oak = Bot.objects.order_by("sort_order")
    client.post(f"/bots/{oak.pk}/move/up/")
    assert list(Bot.objects.order_by("sort_order").values_list("name", flat=True)) == ["Oak", "Sage"]
    edited = client.post(f"/bots/{sage.pk}/edit/", {"name": "Sage", "description": "Wise.", "tags": "garden, roses"})
    assert edited.status_code == 302
    assert client.get(f"/bots/{sage.pk}/delete/").status_code == 200
    client.post(f"/bots/{sage.pk}/delete/")
    sage.refresh_from_db()
    assert sage.description == "Wise." and sage.is_deleted and sage.tags == ["garden", "roses"] and sage.avatar


def test_the_memo_page_shows_the_thread_and_takes_questions(client, alice, fake_llm, django_assert_max_num_queries):
    bot = services.bot_create(owner=alice, name="Sage", tags=["garden"])
    memo = memo_services.memo_create(owner=alice, content="Roses #garden")
    fake_llm.script(reply="**Prune** in March.")
    services.replies_for_memo(memo.pk)
    tasks.write_reply.call(str(BotReply.objects.get().pk))
    client.force_login(alice)

    page = client.get(f"/memos/{memo.pk}/")
    asked = client.post(f"/bots/memos/{memo.pk}/ask/", {"bot": str(bot.pk), "question": "And tulips?"})

    assert "<strong>Prune</strong> in March." in page.content.decode()
    assert asked.status_code == 302 and BotReply.objects.filter(user_question="And tulips?").exists()
    for n in range(3):
        services.reply_ask(memo=memo, bot=bot, question=f"q{n}", user=alice)
    with django_assert_max_num_queries(30):
        assert client.get(f"/memos/{memo.pk}/").status_code == 200


def test_opting_in_to_diaries_on_the_settings_page(client, alice):
    client.force_login(alice)

    assert "AI diaries" in client.get("/accounts/settings/").content.decode()
    client.post("/bots/diaries/", {"enabled": "on"})

    assert DiaryPreference.objects.get(user=alice).enabled


def test_the_diary_page_writes_a_day_with_ai(client, alice, fake_llm):
    from datetime import date

    from bots.models import AIDiaryJob
    from memos.models import Diary

    fake_llm.script(reply='{"summary": "A quiet day.", "mood_key": "calm", "mood_score": 3}')
    memo_services.memo_create(owner=alice, content="Read a book.")
    today = date.today()
    client.force_login(alice)

    assert "Write this day's diary" in client.get(f"/memos/diary/{today}/").content.decode()
    assert client.post(f"/bots/diaries/{today}/write/").status_code == 302
    tasks.write_diary.call(AIDiaryJob.objects.get().pk)

    assert Diary.objects.get(owner=alice, date=today).summary == "A quiet day."
    assert client.post("/bots/diaries/not-a-day/write/").status_code == 404


def test_saving_memos_of_a_user_without_bots_queues_nothing_for_bots(alice):
    from django_tasks_db.models import DBTaskResult

    memo_services.memo_create(owner=alice, content="No bots here")

    assert not DBTaskResult.objects.filter(task_path="bots.tasks.react_to_memo").exists()


def test_the_bots_page_never_loads_an_outside_avatar(client, alice):
    """A bot's avatar_url (kept for API clients) rendered as an <img> from any host: pages show its initial."""
    from bots.services import bot_create

    bot_create(owner=alice, name="sage", avatar_url="https://tracker.example.net/pixel.png")
    client.force_login(alice)

    page = client.get("/bots/").content.decode()

    assert "tracker.example.net" not in page
    assert '<span class="avatar" aria-hidden="true">S</span>' in page


def test_a_deleted_bot_can_be_listed_and_restored_unless_its_name_is_taken(alice_api, bob_api):
    sage = alice_api.post(BOTS, {"name": "sage"}, format="json").json()
    alice_api.delete(f"{BOTS}{sage['id']}/")
    assert [bot["name"] for bot in alice_api.get(BOTS, {"deleted": "true"}).json()["results"]] == ["sage"]
    assert bob_api.post(f"{BOTS}{sage['id']}/restore/").status_code == 404  # not theirs

    alice_api.post(BOTS, {"name": "Sage"}, format="json")  # a new bot took the name meanwhile
    refused = alice_api.post(f"{BOTS}{sage['id']}/restore/")
    assert refused.status_code == 400 and "already have a bot with this name" in refused.json()["detail"]

    alice_api.delete(f"{BOTS}{alice_api.get(BOTS).json()['results'][0]['id']}/")
    restored = alice_api.post(f"{BOTS}{sage['id']}/restore/")
    assert restored.status_code == 200
    assert [bot["name"] for bot in alice_api.get(BOTS).json()["results"]] == ["sage"]


def test_staff_restore_deleted_bots_from_the_admin(admin_client, alice):
    from bots.models import Bot
    from bots.services import bot_create, bot_delete

    bot = bot_create(owner=alice, name="sage")
    bot_delete(bot)

    admin_client.post("/admin/bots/bot/", {"action": "restore", "_selected_action": [str(bot.pk)]})

    assert Bot.objects.get(pk=bot.pk).is_deleted is False


def test_bots_and_a_memos_replies_are_paginated_in_constant_queries(alice, alice_api, django_assert_max_num_queries):
    memo = memo_services.memo_create(owner=alice, content="Roses")
    for n in range(3):
        bot = services.bot_create(owner=alice, name=f"bot{n}")
        services.reply_ask(memo=memo, bot=bot, question=f"question {n}", user=alice)

    # user, bots page, its count
    with django_assert_max_num_queries(4):
        bots = alice_api.get(BOTS, {"page_size": 2}).json()
    # user, memo, replies page, its count, cited attachments of the page
    with django_assert_max_num_queries(6):
        replies = alice_api.get(f"/api/v1/memos/{memo.pk}/bot-replies/", {"page_size": 2}).json()

    assert bots["count"] == 3 and len(bots["results"]) == 2 and bots["next"]
    assert replies["count"] == 3 and [r["user_question"] for r in replies["results"]] == ["question 0", "question 1"]


def test_ai_diary_jobs_are_listed_with_their_status(alice, alice_api, bob_api):
    from datetime import date

    services.diary_job_request(alice, date(2026, 11, 20))
    services.diary_job_request(alice, date(2026, 11, 21))

    listed = alice_api.get("/api/v1/ai-diaries/jobs/").json()
    one = alice_api.get("/api/v1/ai-diaries/jobs/", {"date": "2026-11-20"}).json()

    assert [job["target_date"] for job in listed["results"]] == ["2026-11-21", "2026-11-20"]
    assert [job["status"] for job in one["results"]] == ["pending"]
    assert alice_api.get("/api/v1/ai-diaries/jobs/", {"date": "soon"}).status_code == 400
    assert bob_api.get("/api/v1/ai-diaries/jobs/").json()["count"] == 0
    assert bob_api.get(f"/api/v1/ai-diaries/jobs/{listed['results'][0]['id']}/").status_code == 404
