"""Bots answer memos that call them (tag, @mention, auto-reply), remember related notes, follow a thread, and fail
gracefully; against the loopback OpenAI fake and the real embedding model."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ai import services as ai_services
from bots import prompts, services, tasks
from bots.models import Bot, BotReply
from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.models import Memo
from memos.notes import services as memo_services
from memos.search.semantic import embed_memo

pytestmark = pytest.mark.django_db


def make_bot(owner, name="Sage", **fields) -> Bot:
    return services.bot_create(owner=owner, name=name, description="A calm gardener.", **fields)


def save_memo(owner, content: str) -> Memo:
    memo = memo_services.memo_create(owner=owner, content=content)
    embed_memo(memo.pk)
    return memo


def run_reactions(memo: Memo) -> list[BotReply]:
    """What the worker does after a save: react to the memo, then write each reply."""
    tasks.react_to_memo.call(str(memo.pk))
    for reply in BotReply.objects.filter(memo=memo, status=BotReply.Status.PENDING):
        tasks.write_reply.call(str(reply.pk))
    return list(BotReply.objects.filter(memo=memo).order_by("created_at"))


def prompt_text(fake) -> str:
    chat_requests = [r for r in fake.requests if r["path"].endswith("/chat/completions")]
    assert chat_requests, "the provider was never asked"
    return "\n".join(message["content"] for message in chat_requests[-1]["body"]["messages"])


@pytest.mark.parametrize(
    ("bot_fields", "content"),
    [
        ({"tags": ["garden"]}, "Planted tomatoes today #garden"),
        ({}, "What should I plant next, @sage?"),
        ({"auto_reply": True}, "Nothing special today."),
    ],
    ids=["tag", "mention", "auto-reply"],
)
def test_a_memo_that_calls_a_bot_gets_its_reply(alice, fake_llm, bot_fields, content):
    fake_llm.script(reply="Water them at dawn.")
    make_bot(alice, **bot_fields)

    (reply,) = run_reactions(save_memo(alice, content))

    assert (reply.status, reply.content) == (BotReply.Status.COMPLETE, "Water them at dawn.")
    assert reply.revision.revision_number == 1
    assert "You are Sage" in prompt_text(fake_llm) and content in prompt_text(fake_llm)


def test_a_memo_that_calls_no_bot_gets_none(alice, fake_llm):
    make_bot(alice, tags=["garden"])

    assert run_reactions(save_memo(alice, "Groceries: milk, eggs #shopping")) == []
    assert fake_llm.requests == []


def test_saving_a_memo_queues_the_reaction_in_its_own_transaction(alice, fake_llm):
    make_bot(alice, tags=["garden"])

    memo_services.memo_create(owner=alice, content="Roses #garden")

    assert DBTaskResult.objects.filter(task_path="bots.tasks.react_to_memo").count() == 1


def test_a_bot_answers_a_memo_once_however_often_it_is_saved(alice, fake_llm):
    make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    run_reactions(memo)
    memo_services.memo_update(memo, user=alice, base_revision=1, content="Roses and tulips #garden")

    assert len(run_reactions(memo)) == 1


def test_memory_brings_the_related_memo_and_cites_it(alice, bob, fake_llm):
    related = save_memo(alice, "My cat Miso loves sleeping on the piano.")
    save_memo(alice, "Quarterly tax forms are due in April.")
    save_memo(bob, "My cat Pepper sleeps on the piano too.")
    bot = make_bot(alice, tags=["cats"])
    memo = save_memo(alice, "Where does my cat like to nap? #cats")
    fake_llm.script(reply=f"On the piano, as you wrote in [your note](/memos/{related.pk}/).")

    (reply,) = run_reactions(memo)

    prompt = prompt_text(fake_llm)
    assert f"/memos/{related.pk}/" in prompt
    assert "tax forms" not in prompt  # below the relevance cut-off
    assert "Pepper" not in prompt  # never another user's notes
    assert reply.cited_memo_ids == [str(related.pk)]
    assert [item.memo for item in prompts.memory(memo)] == [related]
    assert bot.pk == reply.bot_id


def test_a_follow_up_carries_the_thread(alice, fake_llm):
    bot = make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    fake_llm.script(reply="Prune them in March.")
    (first,) = run_reactions(memo)
    fake_llm.script(reply="Just above an outward bud.")

    follow_up = services.reply_ask(memo=memo, bot=bot, question="Where do I cut?", user=alice, parent=first)
    tasks.write_reply.call(str(follow_up.pk))

    follow_up.refresh_from_db()
    messages = [r for r in fake_llm.requests if r["path"].endswith("/chat/completions")][-1]["body"]["messages"]
    assert [m["content"] for m in messages[-2:]] == ["Prune them in March.", "Where do I cut?"]
    assert follow_up.content == "Just above an outward bud." and follow_up.parent == first


def test_past_the_daily_quota_the_reply_fails_without_asking_the_provider(alice, fake_llm):
    ai_services.user_token_limit_set(alice, 10)
    ai_services.usage_record(user=alice, model="fake-small", feature="chat", usage=ai_services.Usage(8, 8))
    make_bot(alice, tags=["garden"])

    (reply,) = run_reactions(save_memo(alice, "Roses #garden"))

    assert reply.status == BotReply.Status.FAILED and "tokens for today" in reply.error
    assert not [r for r in fake_llm.requests if r["path"].endswith("/chat/completions")]


def test_provider_failures_retry_with_backoff_then_fail(alice, fake_llm):
    fake_llm.script(status=500, error="upstream exploded")
    make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    tasks.react_to_memo.call(str(memo.pk))
    reply = BotReply.objects.get(memo=memo)

    outcomes = [tasks.write_reply.call(str(reply.pk)) for _ in range(tasks.MAX_ATTEMPTS)]

    reply.refresh_from_db()
    assert outcomes == ["retrying", "retrying", "failed"]
    assert reply.status == BotReply.Status.FAILED and reply.attempts == tasks.MAX_ATTEMPTS
    retries = DBTaskResult.objects.filter(task_path="bots.tasks.write_reply", status=TaskResultStatus.READY)
    assert retries.exclude(run_after=None).count() >= 2  # each retry was scheduled later, not at once
    assert Memo.objects.get(pk=memo.pk).content == "Roses #garden"  # the memo is untouched


def test_regenerate_writes_the_reply_again(alice, fake_llm):
    make_bot(alice, tags=["garden"])
    (reply,) = run_reactions(save_memo(alice, "Roses #garden"))
    fake_llm.script(reply="A second thought.")

    services.reply_regenerate(reply)
    tasks.write_reply.call(str(reply.pk))

    reply.refresh_from_db()
    assert reply.content == "A second thought."


def test_a_deleted_bot_answers_nothing(alice, fake_llm):
    services.bot_delete(make_bot(alice, auto_reply=True))

    assert run_reactions(save_memo(alice, "Anything")) == []


def test_an_import_does_not_call_the_bots(alice, fake_llm):
    make_bot(alice, auto_reply=True)

    memo_services.memo_import(
        owner=alice, content="Old note", tags_given=[], revisions=[], created_at=fake_now(), updated_at=fake_now()
    )

    assert not DBTaskResult.objects.filter(task_path="bots.tasks.react_to_memo").exists()


def fake_now():
    from django.utils import timezone

    return timezone.now()


def test_an_unexpected_error_never_leaves_a_reply_writing_forever(alice, fake_llm, monkeypatch):
    make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    tasks.react_to_memo.call(str(memo.pk))
    reply = BotReply.objects.get(memo=memo)

    def broken(memo):
        raise RuntimeError("memory exploded")

    monkeypatch.setattr(prompts, "memory", broken)
    with pytest.raises(RuntimeError):
        tasks.write_reply.call(str(reply.pk))

    reply.refresh_from_db()
    assert reply.status == BotReply.Status.FAILED and "Regenerate" in reply.error


def test_a_vision_bot_gets_the_memos_pictures_and_cites_them(alice, fake_llm, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    make_bot(alice, tags=["garden"], vision=True)
    blind = make_bot(alice, name="Blind", tags=["garden"])
    memo = save_memo(alice, "What is wrong with this leaf? #garden")
    file_services.resource_upload(
        owner=alice, upload=SimpleUploadedFile("leaf.png", buffer.getvalue(), "image/png"), memo=memo
    )

    replies = run_reactions(memo)

    contents = [
        message["content"]
        for request in fake_llm.requests
        if request["path"].endswith("/chat/completions")
        for message in request["body"]["messages"]
        if message["role"] == "user"
    ]
    parts = [content for content in contents if isinstance(content, list)]
    assert len(parts) == 1 and parts[0][1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert all(reply.status == BotReply.Status.COMPLETE for reply in replies)
    assert all(reply.cited_resources.count() == 1 for reply in replies)
    assert blind.vision is False


def test_memory_brings_the_diaries_around_related_memos(alice, fake_llm):
    related = save_memo(alice, "My cat Miso loves sleeping on the piano.")
    day = related.created_at.date()
    diary_services.diary_write(owner=alice, day=day, summary="A sleepy, cozy day with Miso.")
    make_bot(alice, tags=["cats"])

    run_reactions(save_memo(alice, "Where does my cat like to nap? #cats"))

    assert "A sleepy, cozy day with Miso." in prompt_text(fake_llm)


def test_a_failing_bot_never_blocks_a_memo(alice_api, alice, monkeypatch):
    from django.db import connection

    make_bot(alice, auto_reply=True)

    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            with connection.cursor() as cursor:  # a real failing statement: it aborts the transaction it runs in
                cursor.execute("SELECT * FROM queue_table_that_is_gone")

    monkeypatch.setattr(tasks, "react_to_memo", BrokenQueue())
    response = alice_api.post("/api/v1/memos/", {"content": "Saved anyway"}, format="json")

    assert response.status_code == 201
    assert Memo.objects.get(owner=alice).content == "Saved anyway"


def test_a_reply_left_running_by_a_stopped_worker_is_written_again(alice, fake_llm):
    fake_llm.script(reply="Water them at dawn.")
    make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    tasks.react_to_memo.call(str(memo.pk))
    orphan = services.reply_claim(BotReply.objects.get(memo=memo).pk)  # a worker took it, then was killed
    live = services.reply_claim(
        services.reply_ask(memo=memo, bot=orphan.bot, question="And the lilies?", user=alice, parent=orphan).pk
    )
    # the provider's timeout is 2 s (fake_llm): two calls of it and two minutes' grace have long passed for the
    # orphan, not for the reply claimed a minute ago, whose worker may be alive
    BotReply.objects.filter(pk=orphan.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    BotReply.objects.filter(pk=live.pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.reply_regenerate(orphan)

    assert tasks.requeue_abandoned_replies.call() == 1

    orphan.refresh_from_db()
    assert orphan.status == BotReply.Status.PENDING and "stopped" in orphan.error
    assert BotReply.objects.get(pk=live.pk).status == BotReply.Status.RUNNING
    assert tasks.write_reply.call(str(orphan.pk)) == "written"  # its own task, queued by the sweep
    orphan.refresh_from_db()
    assert (orphan.status, orphan.content) == (BotReply.Status.COMPLETE, "Water them at dawn.")


def test_a_reply_abandoned_on_its_last_attempt_fails_and_can_be_regenerated(alice, fake_llm):
    make_bot(alice, tags=["garden"])
    memo = save_memo(alice, "Roses #garden")
    tasks.react_to_memo.call(str(memo.pk))
    reply = BotReply.objects.get(memo=memo)
    BotReply.objects.filter(pk=reply.pk).update(
        status=BotReply.Status.RUNNING, attempts=tasks.MAX_ATTEMPTS, updated_at=timezone.now() - timedelta(hours=1)
    )

    assert tasks.requeue_abandoned_replies.call() == 1

    reply.refresh_from_db()
    assert reply.status == BotReply.Status.FAILED and "stopped" in reply.error
    assert services.reply_regenerate(reply).status == BotReply.Status.PENDING
