"""One-line AI summaries of new revisions, for people who turn them on: a task per edit, quota-checked, shown in
the memo's history."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from ai import services as ai_services
from ai.client import Usage
from ai.models import TokenUsage
from memos.models import MemoRevision
from memos.notes import services
from memos.tasks import summarize_revision

pytestmark = pytest.mark.django_db


def summary_tasks() -> list[str]:
    return [
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(task_path__endswith="summarize_revision")
    ]


def test_nothing_is_summarized_unless_the_person_turned_it_on(alice, fake_llm):
    memo = services.memo_create(owner=alice, content="Buy milk")
    services.memo_update(memo, user=alice, base_revision=1, content="Buy milk and eggs")

    assert summary_tasks() == []


def test_an_edit_gets_a_one_line_summary_in_the_history(alice, alice_api, client, fake_llm):
    fake_llm.script(reply="Added eggs to the list.\nAnything else?")
    assert alice_api.put("/api/v1/memo-settings/", {"revision_summaries": True}, format="json").status_code == 200
    memo = services.memo_create(owner=alice, content="Buy milk")  # the first revision has nothing to compare
    services.memo_update(memo, user=alice, base_revision=1, content="Buy milk and eggs")
    (task_arg,) = summary_tasks()

    assert summarize_revision.call(task_arg) == "written"

    revision = MemoRevision.objects.get(pk=task_arg)
    assert revision.revision_number == 2 and revision.ai_summary == "Added eggs to the list."
    prompt = fake_llm.requests[-1]["body"]["messages"][1]["content"]
    assert "Before:\nBuy milk" in prompt and "After:\nBuy milk and eggs" in prompt
    assert TokenUsage.objects.get(user=alice).feature == "memo"
    client.force_login(alice)
    assert "Added eggs to the list." in client.get(memo.get_absolute_url()).content.decode()
    assert alice_api.get(f"/api/v1/memos/{memo.pk}/revisions/").json()["results"][0]["ai_summary"]


def test_a_tag_change_writes_no_summary_and_a_spent_allowance_none_either(alice, fake_llm):
    from accounts import site_settings

    services.memo_preference_set(alice, revision_summaries=True)
    memo = services.memo_create(owner=alice, content="Buy milk")
    services.memo_update(memo, user=alice, base_revision=1, tags_given=["shopping"])
    services.memo_update(memo, user=alice, base_revision=2, content="Buy bread")
    tagged, edited = summary_tasks()
    site_settings.set_value("daily_token_limit", 1)
    ai_services.usage_record(user=alice, model="fake-small", feature="chat", usage=Usage(5, 0))  # spent

    assert summarize_revision.call(tagged) == "no text change"
    assert summarize_revision.call(edited) == "skipped: daily token allowance used"
    assert not fake_llm.requests and not MemoRevision.objects.exclude(ai_summary="").exists()


def test_the_summary_config_is_asked_before_the_chat_one(alice, fake_llm):
    from ai.models import AIConfig
    from tests.fakes.openai_server import FakeOpenAI

    other = FakeOpenAI().start()
    try:
        other.script(reply="Shortened the note.")
        ai_services.ai_config_save(AIConfig(key="summary", base_url=other.url, model="tiny", timeout_seconds=2))
        services.memo_preference_set(alice, revision_summaries=True)
        memo = services.memo_create(owner=alice, content="A long note")
        services.memo_update(memo, user=alice, base_revision=1, content="A note")

        summarize_revision.call(summary_tasks()[0])
    finally:
        other.stop()

    assert len(other.requests) == 1 and not fake_llm.requests
    assert MemoRevision.objects.get(revision_number=2).ai_summary == "Shortened the note."


def test_guests_cannot_turn_summaries_on(guest_api):
    assert guest_api.put("/api/v1/memo-settings/", {"revision_summaries": True}, format="json").status_code == 403
    assert guest_api.get("/api/v1/memo-settings/").json()["revision_summaries"] is False


def test_the_settings_page_switches_them(client, alice):
    client.force_login(alice)

    page = client.get("/accounts/settings/").content.decode()
    client.post("/memos/summaries/", {"revision_summaries": "on"})

    assert "Summarize my edits" in page and services.wants_summaries(alice.pk)
