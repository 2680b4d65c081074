from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import site_settings
from memos.diaries import services as diary_services
from memos.models import Memo, MemoRevision
from memos.notes import services

pytestmark = pytest.mark.django_db


def history(memo):
    return list(memo.revisions.order_by("revision_number").values_list("revision_number", "content", "is_deleted"))


def test_each_edit_of_text_or_tags_adds_a_revision(alice):
    memo = services.memo_create(owner=alice, content="first #draft")
    memo = services.memo_update(memo, user=alice, base_revision=1, content="second #draft")
    memo = services.memo_update(memo, user=alice, base_revision=2, tags_given=["extra"])
    memo = services.memo_update(memo, user=alice, base_revision=None, pinned=True)  # not a revision

    assert memo.revision_count == 3 and memo.pinned
    assert memo.tags == ["extra", "draft"]
    assert history(memo) == [(1, "first #draft", False), (2, "second #draft", False), (3, "second #draft", False)]


def test_an_edit_based_on_an_old_revision_is_refused(alice):
    memo = services.memo_create(owner=alice, content="v1")
    services.memo_update(memo, user=alice, base_revision=1, content="v2 from tab A")

    with pytest.raises(services.StaleRevision) as refused:
        services.memo_update(memo, user=alice, base_revision=1, content="v2 from tab B")

    assert refused.value.memo.content == "v2 from tab A"
    assert Memo.objects.get(pk=memo.pk).content == "v2 from tab A"


def test_restoring_a_revision_adds_one_and_keeps_history(alice):
    memo = services.memo_create(owner=alice, content="original #a")
    memo = services.memo_update(memo, user=alice, base_revision=1, content="changed #b")

    memo = services.revision_restore(memo.revisions.get(revision_number=1), user=alice)

    assert (memo.content, memo.tags, memo.revision_count) == ("original #a", ["a"], 3)
    assert [row[1] for row in history(memo)] == ["original #a", "changed #b", "original #a"]


def test_trash_restore_and_purge(alice):
    memo = services.memo_create(owner=alice, content="to throw away")

    memo = services.memo_trash(memo, user=alice)
    assert memo.is_deleted and memo.deleted_at is not None
    with pytest.raises(ValidationError):
        services.memo_purge(services.memo_restore(memo, user=alice))
    memo = services.memo_trash(Memo.objects.get(pk=memo.pk), user=alice)
    assert [row[2] for row in history(memo)] == [False, True, False, True]

    services.memo_purge(memo)
    assert not Memo.objects.filter(pk=memo.pk).exists()
    assert not MemoRevision.objects.filter(memo_id=memo.pk).exists()


def test_the_trash_empties_itself_after_the_retention_period(alice):
    site_settings.set_value("trash_retention_days", 7)
    old = services.memo_trash(services.memo_create(owner=alice, content="old"), user=alice)
    recent = services.memo_trash(services.memo_create(owner=alice, content="recent"), user=alice)
    Memo.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=8))

    assert services.trash_purge_expired() == 1

    assert list(Memo.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.parametrize("content", ["", "   ", "x" * 200_001])
def test_empty_or_huge_memos_are_refused(alice, content):
    with pytest.raises(ValidationError):
        services.memo_create(owner=alice, content=content)
    assert not Memo.objects.exists()


def test_a_manual_diary_locks_out_ai_generation(alice):
    day = timezone.localdate()

    diary = diary_services.diary_write(owner=alice, day=day, summary="Quiet day", mood_key="calm", mood_score=4)

    assert (diary.generation_source, diary.auto_generation_locked) == ("manual", True)
    with pytest.raises(ValidationError):
        diary_services.diary_write(owner=alice, day=day, summary="x", mood_score=9)


def test_the_purge_command_says_what_it_did(alice, capsys):
    from django.core.management import call_command

    memo = services.memo_trash(services.memo_create(owner=alice, content="old"), user=alice)
    Memo.objects.filter(pk=memo.pk).update(deleted_at=timezone.now() - timedelta(days=31))

    call_command("purge_trash")

    assert "Purged 1 memo(s) that spent more than 30 days in the trash." in capsys.readouterr().out
    assert not Memo.objects.exists()


def test_trashing_schedules_the_purge_for_when_the_retention_ends(alice, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from memos.tasks import purge_if_expired

    with django_capture_on_commit_callbacks(execute=True):
        memo = services.memo_trash(services.memo_create(owner=alice, content="x"), user=alice)

    scheduled = DBTaskResult.objects.get(task_path="memos.tasks.purge_if_expired")
    assert abs(scheduled.run_after - (memo.deleted_at + timedelta(days=30))) < timedelta(seconds=1)

    assert purge_if_expired.call(str(memo.pk)) is False  # not due yet: checked again later
    assert Memo.objects.filter(pk=memo.pk).exists()
    Memo.objects.filter(pk=memo.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    assert purge_if_expired.call(str(memo.pk)) is True
    assert not Memo.objects.filter(pk=memo.pk).exists()
